/**
 * `flags fetch -i urls.txt` through the real bin against three real servers on loopback ports: one that
 * throttles (429 with Retry-After for a window), one slow, one serving 404s. The servers' own counters
 * say the per-host cap held and the throttled host was not hammered; dest has exactly the files.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { reportCounts, runCli, tempDir } from "./support/cli.js"
import { bundledPng, type ServerProcess, startFlagsServe } from "./support/servers.js"

interface Stats {
  readonly inFlight: number
  readonly maxInFlight: number
  readonly requests: number
  readonly throttled: number
}
const statsOf = async (server: ServerProcess): Promise<Stats> =>
  (await fetch(`${server.baseUrl.replace(/\/flags$/, "")}/stats`)).json() as Promise<Stats>

const servers: Record<"throttling" | "slow" | "missing", ServerProcess> = {} as never
beforeAll(async () => {
  ;[servers.throttling, servers.slow, servers.missing] = await Promise.all([
    startFlagsServe(["--quiet", "--throttle-window", "1s", "--retry-after", "1"]),
    startFlagsServe(["--quiet", "--delay", "300ms"]),
    startFlagsServe(["--quiet"])
  ])
})
afterAll(() => Promise.all(Object.values(servers).map((server) => server.stop())))

const codes = {
  throttling: ["BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BN"],
  slow: ["CA", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN"],
  // five that exist, five that do not
  missing: ["DE", "DJ", "DK", "DM", "DO", "DA", "DB", "DC", "DD", "DF"]
} as const
const present = new Set(["DE", "DJ", "DK", "DM", "DO"])

const writeList = () => {
  const lines = ["# three hosts, 30 files"]
  for (const key of ["throttling", "slow", "missing"] as const) {
    codes[key].forEach((cc, i) => {
      const url = `${servers[key].baseUrl}/${cc.toLowerCase()}/${cc.toLowerCase()}.png`
      // some files named by the list, as aria2's out= does
      lines.push(i % 4 === 0 ? `${url}   out=${cc}-named.png` : url)
    })
  }
  const list = join(tempDir("flags-fetch-list-"), "urls.txt")
  writeFileSync(list, `${lines.join("\n")}\n`)
  return list
}

describe("flags fetch (real bin, three real servers)", () => {
  it("caps each host, rides out the throttling one, saves every file byte for byte; a second run skips them all", async () => {
    const list = writeList()
    const dest = tempDir()
    const args = ["fetch", "-i", list, "-d", dest, "--max-per-host", "2", "-m", "10", "--retries", "2"]
    const first = await runCli(args)
    assert.strictEqual(first.code, 0, first.stdout + first.stderr)
    assert.include(first.stdout, "Fetching 30 files from 3 hosts")
    assert.deepStrictEqual(reportCounts(first.stdout), { ok: 25, notFound: 5, errors: 0 })
    for (const key of ["throttling", "slow", "missing"] as const) {
      const stats = await statsOf(servers[key])
      assert.isAtMost(stats.maxInFlight, 2, `${key}: never more than 2 at once`)
      assert.isAtLeast(stats.maxInFlight, 1)
    }
    // the first 429 paused the host: only the requests already in flight met the window
    const throttling = await statsOf(servers.throttling)
    assert.isAtLeast(throttling.throttled, 1)
    assert.isAtMost(throttling.throttled, 2, "one pause, not a storm of retries")
    // every file whole, named by its URL or its out=, nothing else in dest (no temporary file)
    const expected = Object.values(codes)
      .flat()
      .filter((cc) => !cc.startsWith("D") || present.has(cc))
      .map((cc) => {
        const lists: ReadonlyArray<ReadonlyArray<string>> = Object.values(codes)
        const i = lists.find((list) => list.includes(cc))?.indexOf(cc) ?? 0
        return { cc, file: i % 4 === 0 ? `${cc}-named.png` : `${cc.toLowerCase()}.png` }
      })
    assert.deepStrictEqual(readdirSync(dest).sort(), expected.map((e) => e.file).sort())
    for (const { cc, file } of expected) {
      assert.isTrue(readFileSync(join(dest, file)).equals(bundledPng(cc)), file)
    }

    const again = await runCli([...args, "--on-exists", "skip"])
    assert.strictEqual(again.code, 0, again.stderr)
    assert.include(again.stdout, " 25 skipped (already in dest).")
    assert.deepStrictEqual(reportCounts(again.stdout), { ok: 0, notFound: 5, errors: 0 })
  })

  it("a list with bad lines is refused whole, each with its number, before any request: exit 2", async () => {
    const before = await statsOf(servers.missing)
    const dir = tempDir("flags-fetch-bad-")
    const list = join(dir, "urls.txt")
    writeFileSync(
      list,
      Buffer.concat([
        Buffer.from(`${servers.missing.baseUrl}/de/de.png\nexample.com/no-scheme\nfile:///etc/passwd\n`),
        Buffer.from(`${servers.missing.baseUrl}/a b.png\n${"http://x.test/".padEnd(10_240, "x")}\n`),
        Buffer.from([0x68, 0x74, 0x74, 0x70, 0xff, 0x0a])
      ])
    )
    const dest = join(dir, "dest")
    const result = await runCli(["fetch", "-i", list, "-d", dest])
    assert.strictEqual(result.code, 2)
    for (const line of [2, 3, 4, 5, 6]) assert.include(result.stderr, `line ${line}:`)
    assert.notInclude(result.stderr, "line 1:")
    assert.notInclude(result.stderr, "    at ", "no stack trace")
    assert.strictEqual((await statsOf(servers.missing)).requests, before.requests, "no request made")
    assert.isFalse(existsSync(dest), "dest not even created")
  })

  it("reads the list from standard input with -i -, and takes URLs as arguments", async () => {
    const dest = tempDir()
    const url = `${servers.missing.baseUrl}/dk/dk.png`
    const result = await runCli(["fetch", url, "-d", dest, "--json"])
    assert.strictEqual(result.code, 0, result.stderr)
    const report = JSON.parse(result.stdout)
    assert.deepInclude(report.outcomes[0], { url, status: "OK", file: "dk.png" })
    assert.deepStrictEqual(readdirSync(dest), ["dk.png"])
    const piped = await runCli(["fetch", "-i", "-", "-d", dest, "--on-exists", "rename"], {
      stdin: `# from a pipe\n${url}\n${servers.missing.baseUrl}/zz/zz.png\n`
    })
    assert.strictEqual(piped.code, 0, piped.stderr)
    assert.deepStrictEqual(reportCounts(piped.stdout), { ok: 1, notFound: 1, errors: 0 })
    assert.deepStrictEqual(readdirSync(dest).sort(), ["dk-1.png", "dk.png"])
    const none = await runCli(["fetch", "-d", dest])
    assert.strictEqual(none.code, 2)
    assert.include(none.stderr, "no URL given")
  })
})
