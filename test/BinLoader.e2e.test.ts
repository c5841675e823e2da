/** The bin's loader (dist/bin.js): V8's code cache is written, used, and never trusted blindly. */
import { execFileSync } from "node:child_process"
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { bin, tempDir } from "./support/cli.js"

/** A copy of the built bin and bundle, with no cache yet. */
const copyOfBin = () => {
  const dir = tempDir("flags-loader-")
  copyFileSync(bin, join(dir, "bin.js"))
  copyFileSync(join(bin, "..", "flags.cjs"), join(dir, "flags.cjs"))
  return dir
}
const version = (dir: string) =>
  execFileSync(process.execPath, [join(dir, "bin.js"), "--version"], { encoding: "utf8" })
const cacheFiles = (dir: string) => readdirSync(join(dir, ".cache")).filter((name) => name.endsWith(".v8"))
const expected = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version

describe("the bin's code cache", () => {
  it("a first run writes the cache, named by the bundle's hash and the Node version; later runs use it", () => {
    const dir = copyOfBin()
    assert.include(version(dir), expected)
    const [cache] = cacheFiles(dir)
    assert.match(cache ?? "", new RegExp(`^flags-[0-9a-f]{16}-${process.version}-${process.arch}\\.v8$`))
    const written = readFileSync(join(dir, ".cache", cache ?? ""))
    assert.include(version(dir), expected)
    // accepted, so not rewritten
    assert.deepStrictEqual(readFileSync(join(dir, ".cache", cache ?? "")), written)
  })

  it("a corrupt cache is rejected by V8: the bin still runs, and writes a good one in its place", () => {
    const dir = copyOfBin()
    version(dir)
    const [cache] = cacheFiles(dir)
    const path = join(dir, ".cache", cache ?? "")
    const garbage = Buffer.alloc(readFileSync(path).length, 0x5a)
    writeFileSync(path, garbage)
    assert.include(version(dir), expected)
    const rewritten = readFileSync(path)
    assert.notDeepEqual(rewritten, garbage)
    assert.include(version(dir), expected)
    assert.deepStrictEqual(cacheFiles(dir), [cache])
  })
})

describe("the bin's recorded help", () => {
  const run = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv = {}) =>
    execFileSync(process.execPath, [bin, ...args], { encoding: "utf8", env: { ...process.env, ...env } })
  const recorded = JSON.parse(readFileSync(join(bin, "..", "help.json"), "utf8")) as {
    readonly help: Record<string, string>
  }

  it("a recorded answer is, byte for byte, what the bundle itself prints", () => {
    const asked = Object.keys(recorded.help)
    assert.includeMembers(asked, ["--help", "-h", "--version", "download --help", "fetch --help", "serve -h"])
    // the root's, a subcommand's and the version (each a bundle start: the rest are recorded the same way)
    for (const args of ["--help", "fetch --help", "--version"]) {
      const split = args.split(" ")
      assert.strictEqual(run(split), run(split, { FLAGS_HELP_CACHE: "off" }), args)
    }
  })

  it("a recording of another bundle is not used", () => {
    const dir = copyOfBin()
    writeFileSync(
      join(dir, "help.json"),
      JSON.stringify({ bundle: "0000000000000000", help: { "--version": "stale\n" } })
    )
    assert.include(version(dir), expected)
  })
})
