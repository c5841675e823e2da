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
