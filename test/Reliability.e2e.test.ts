/**
 * The fault suite: the real bin against the real flag server misbehaving on purpose (fixed seeds).
 * Whatever the fault, the counts add up, every saved file is byte-identical to the server's, nothing
 * else is left in dest, and the exit code says whether anything failed.
 */

import { readdirSync, readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { createServer } from "node:net"
import { dirname, join } from "node:path"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import * as NodeFlagServer from "../src/node/NodeFlagServer.js"
import type * as FlagServer from "../src/server/FlagServer.js"
import { bin, itemLines, reportCounts, reportRule, runCli, tempDir } from "./support/cli.js"
import { startGatedServer } from "./support/gatedServer.js"

const packageDir = dirname(createRequire(import.meta.url).resolve("svg-country-flags/countries.json"))

const withServer = async <A>(
  options: FlagServer.FlagServerOptions,
  use: (server: FlagServer.RunningFlagServer) => Promise<A>
) => {
  const scope = await Effect.runPromise(Scope.make())
  try {
    const server = await Effect.runPromise(
      NodeFlagServer.make(options).pipe(Scope.extend(scope), Effect.provide(NodeContext.layer))
    )
    return await use(server)
  } finally {
    await Effect.runPromise(Scope.close(scope, Exit.void))
  }
}

const counts = reportCounts

/** The seconds of the report's `Elapsed time:` line. */
const elapsed = (stdout: string) => Number(/Elapsed time: ([\d.]+)s/.exec(stdout)?.[1] ?? 0)

/** The book's top 20, which `flags download` asks for without codes. */
const top20 = "CN IN US ID BR PK NG BD RU JP MX PH VN ET EG DE IR TR CD FR".split(" ")

/** Downloads the top 20 from a faulty server and checks the invariants; returns the counts. */
const download = async (faults: FlagServer.FlagServerOptions, extra: ReadonlyArray<string> = []) =>
  withServer({ ...faults, seed: faults.seed ?? 7 }, async (server) => {
    const dest = tempDir()
    const result = await runCli([
      "download",
      "-s",
      server.baseUrl,
      "--ext",
      "png",
      "-m",
      "5",
      "-d",
      dest,
      ...extra
    ])
    const c = counts(result.stdout)
    assert.strictEqual(c.ok + c.notFound + c.errors, 20, result.stdout + result.stderr)
    assert.strictEqual(result.code, c.errors > 0 ? 1 : 0, result.stderr)
    assert.notInclude(result.stderr, "    at ", "no stack trace")
    const files = readdirSync(dest)
    assert.strictEqual(files.length, c.ok, `only finished files in dest: ${files.join(" ")}`)
    for (const file of files) {
      assert.match(file, /^[A-Z]{2}\.png$/)
      assert.deepStrictEqual(
        readFileSync(join(dest, file)),
        readFileSync(join(packageDir, "png100px", file.toLowerCase()))
      )
    }
    return { ...c, stdout: result.stdout }
  })

// each test has its own server, dest and bin, and mostly waits on them: the tests run side by side. The
// timeout is a hang guard: a few runs of the bin, each a Node start that a loaded machine makes seconds
describe.concurrent("fault suite (real processes, real sockets)", { timeout: 90_000 }, () => {
  // a delay of an hour is an answer that never comes: however slow the machine, every code times out
  it("delays beyond the timeout: every code times out", async () => {
    const c = await download({ delay: "1 hour" }, ["--timeout", "0.5", "-v"])
    assert.strictEqual(c.errors, 20)
    assert.include(c.stdout, "error: timed out waiting for the answer after 0.5s")
  })

  it("418s at a rate: errors counted, the rest saved", async () => {
    const c = await download({ errorRate: 0.3 })
    assert.isAbove(c.errors, 0)
    assert.isAbove(c.ok, 0)
  })

  it("429 and 503 with Retry-After: with --retries, all recover", async () => {
    const without = await download({ throttleRate: 0.2, unavailableRate: 0.2, retryAfter: 0 })
    assert.isAbove(without.errors, 0)
    const withRetries = await download({ throttleRate: 0.2, unavailableRate: 0.2, retryAfter: 0 }, [
      "--retries",
      "6"
    ])
    assert.strictEqual(withRetries.errors, 0)
    assert.strictEqual(withRetries.ok, 20)
  })

  it("connections reset mid-body and truncated bodies: errors, no partial file; retries recover", async () => {
    const broken = await download({ resetRate: 0.25, truncateRate: 0.25 }, ["-v"])
    assert.isAbove(broken.errors, 0)
    const recovered = await download({ resetRate: 0.25, truncateRate: 0.25 }, ["--retries", "8"])
    assert.strictEqual(recovered.ok, 20)
  })

  // the timeout is per phase, as the book's httpx counts it: a stalled body fails when a gap outlasts it,
  // a slow body whose bytes keep coming does not; --max-time bounds the whole download. Every outcome
  // here is the server's pace against a bound, never the machine's speed: a stalled body never ends, a
  // slow one (every body here, 50 to 100 bytes every 0.1 s) cannot come faster than its size says, and its
  // gaps are a thirtieth of the timeout
  it("stalled bodies fail after one gap of --timeout; slow ones arrive, unless --max-time cuts them", async () => {
    // 3 s: the in-process server shares its process with the other tests here, and a loaded machine may
    // keep it from answering for a second; a stalled body never goes on, whatever the timeout
    const stalled = await download({ stallRate: 0.3 }, ["--timeout", "3", "-v"])
    assert.isAbove(stalled.errors, 0)
    assert.include(stalled.stdout, "error: body stalled for 3s")
    const slow = await download({ slowRate: 1, bandwidth: 500 }, ["--timeout", "3"])
    assert.strictEqual(slow.ok, 20, "bytes every 0.1 s never leave a gap of 3 s")
    // BR (2,009 bytes) and IR (2,230) trickle for more than 4 s: longer than the timeout, in gaps under it
    assert.isAbove(elapsed(slow.stdout), 4, slow.stdout)
    const capped = await download({ slowRate: 1, bandwidth: 1000 }, ["--max-time", "0.5", "-v"])
    // a body of more than 600 bytes is still arriving at 0.5 s: those always fail, smaller ones may not
    const failed = new Set(
      [...capped.stdout.matchAll(/^([A-Z]{2}) error: took longer than --max-time 0.5s$/gm)].map((m) => m[1])
    )
    const large = top20.filter(
      (cc) => readFileSync(join(packageDir, "png100px", `${cc.toLowerCase()}.png`)).length > 600
    )
    assert.isAtLeast(large.length, 10)
    for (const cc of large) assert.isTrue(failed.has(cc), `${cc} cut by --max-time: ${capped.stdout}`)
  })

  it("everything at once, at low rates, with retries: all 20 arrive", async () => {
    const c = await download(
      {
        errorRate: 0.05,
        throttleRate: 0.05,
        unavailableRate: 0.05,
        resetRate: 0.05,
        truncateRate: 0.05,
        stallRate: 0.05,
        retryAfter: 0,
        seed: 3
      },
      // a stalled body fails after 2 s and is asked again: a gap no busy machine leaves in an answer that
      // comes at once, so only the faults drawn decide what is retried
      ["--retries", "8", "--timeout", "2"]
    )
    // 418 is not transient: those stay errors, everything else recovers
    assert.strictEqual(c.ok + c.errors, 20)
    assert.isAtLeast(c.ok, 17)
  })
})

describe.concurrent("signals", { timeout: 60_000 }, () => {
  // a stable moment: the server answered 6 codes and holds the next 2 (-m 2) unanswered, and the bin has
  // printed all 6. Nothing can finish after that, so the partial report and dest are exact, and a bin
  // that went on would be seen asking for a 9th
  it("SIGTERM: exit 143 after the partial report, no partial file", async () => {
    const server = await startGatedServer({ answers: 6 })
    try {
      const dest = tempDir()
      const result = await runCli(
        ["download", "-m", "2", "-s", server.baseUrl, "--ext", "png", "-v", "-d", dest],
        {
          signalWhen: (bin) =>
            Promise.all([bin.printed((stdout) => itemLines(stdout).length >= 6), server.arrived(8)]),
          signal: "SIGTERM"
        }
      )
      assert.strictEqual(result.code, 143, result.stderr)
      assert.include(result.stdout, reportRule)
      assert.deepStrictEqual(counts(result.stdout), { ok: 6, notFound: 0, errors: 0 }, result.stdout)
      const answered = server.requests
        .filter((request) => request.answered)
        .map((request) => `${request.cc}.png`)
      assert.deepStrictEqual(readdirSync(dest).sort(), answered.sort())
      assert.strictEqual(server.requests.length, 8, "no request after the signal")
    } finally {
      await server.close()
    }
  })

  // spin has one line to show it runs; then a minute of work, so the answer cannot come first
  it("flags spin: Ctrl-C exits 130 and ends its line", async () => {
    const result = await runCli(["spin", "--seconds", "60"], {
      signalWhen: (bin) => bin.printed((stdout) => stdout.includes("thinking!"))
    })
    assert.strictEqual(result.code, 130)
    assert.isTrue(result.stdout.endsWith("thinking!\n"), JSON.stringify(result.stdout))
    assert.notInclude(result.stdout, "Answer")
  })

  it("flags serve: Ctrl-C exits 0 and releases the port", async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const address = probe.address()
        probe.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0))
      })
    })
    const result = await runCli(["serve", "--port", String(port), "--quiet"], {
      signalWhen: (bin) => bin.printed((stdout) => stdout.includes(`http://127.0.0.1:${port}/flags/`))
    })
    assert.strictEqual(result.code, 0, result.stderr)
    assert.include(result.stdout, `http://127.0.0.1:${port}/flags/`)
    await new Promise<void>((resolve, reject) => {
      const again = createServer()
        .once("error", reject)
        .listen(port, "127.0.0.1", () => again.close(() => resolve()))
    })
  })

  it("the bin exists for these tests", () => {
    assert.isTrue(readFileSync(bin, "utf8").startsWith("#!/usr/bin/env node"))
  })
})
