/**
 * Sessions after the hardest stops, with real processes: `flags download -e --session` stopped at seeded
 * moments of its progress (SIGKILL and an uncaught crash once its journal holds k new entries, SIGINT
 * and SIGTERM once it printed k items), each time followed by a run that resumes it. Every stop lands
 * mid-batch by construction: after the run did k items, hundreds before its end. The flag server's own
 * log says which codes each run asked for: none that the journal held as done when the run started.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import * as FastCheck from "effect/FastCheck"
import { type CliResult, itemLines, reportRule, runCli, tempDir } from "./support/cli.js"
import { bundledCodes, bundledPng, type ServerProcess, startFlagsServe } from "./support/servers.js"
import { journalEntries, journalReaches } from "./support/sessions.js"

const flagLine = /^([A-Z]{2}) delay: /

/**
 * Waits until the server has nothing in flight twice in a row (its log line for a request is printed
 * as the request arrives, so every one is in `lines` then); the log's length then. A request whose
 * client was killed as it connected may be counted by `/stats` and never logged: it was not answered.
 * The server tells nothing when a request ends, so `/stats` is asked every 25 ms, as long as it takes:
 * a server that never goes quiet is a hang, for the test's timeout to report.
 */
const quiet = async (server: ServerProcess) => {
  const statsUrl = server.baseUrl.replace(/\/flags$/, "/stats")
  let idle = 0
  for (;;) {
    const stats = (await (await fetch(statsUrl)).json()) as { inFlight: number }
    idle = stats.inFlight === 0 ? idle + 1 : 0
    if (idle === 2) return server.lines.length
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/** The codes the server answered since line `mark`. */
const askedSince = (server: ServerProcess, mark: number) =>
  server.lines.slice(mark).flatMap((line) => flagLine.exec(line)?.[1] ?? [])

/** The ids the journal holds as done (OK, or not found), reading it as a resuming run would: whole lines only. */
const journaledDone = (session: string): ReadonlySet<string> => {
  if (!existsSync(session)) return new Set()
  const text = readFileSync(session, "utf8")
  const whole = text.slice(0, text.lastIndexOf("\n") + 1)
  const done = new Set<string>()
  for (const line of whole.split("\n").slice(1)) {
    if (line === "") continue
    try {
      const entry = JSON.parse(line) as { id: string; status: string }
      if (entry.status === "OK" || entry.status === "NOT_FOUND") done.add(entry.id)
      else done.delete(entry.id)
    } catch {
      // a line torn by the kill and completed by no one: the resuming run ignores it too
    }
  }
  return done
}

/**
 * A stop at the k-th step of a run's progress: SIGKILL, or an uncaught exception thrown inside the bin's
 * process (`crash`), once the journal holds k entries more than when the run started; SIGINT or SIGTERM
 * once the bin printed its k-th item (`-v`).
 */
interface Stop {
  readonly k: number
  readonly signal: NodeJS.Signals | "crash"
}

/** Whether the bin ends the run itself (its handlers for SIGINT and SIGTERM), or is cut short. */
const handled = (stop: Stop) => stop.signal === "SIGINT" || stop.signal === "SIGTERM"

const crashingBin = join(import.meta.dirname, "fixtures", "crashing-bin.mjs")

/** Stops `flags download -e --session` at each moment, resumes after each, then lets a last run finish. */
const stopAndResume = async (stops: ReadonlyArray<Stop>, seed: number) => {
  const server = await startFlagsServe(["--delay", "0.05s..0.3s", "--seed", String(seed)])
  try {
    const dest = tempDir("flags-session-dest-")
    const session = join(tempDir("flags-session-"), "run.ndjson")
    const args = ["download", "-e", "-m", "20", "-s", server.baseUrl, "--ext", "png", "-d", dest]
    const sessionArgs = [...args, "--session", session, "--progress", "none", "-v"]
    const start = (stop: Stop | undefined, entries: number): Promise<CliResult> => {
      if (stop === undefined) return runCli(sessionArgs)
      if (stop.signal === "crash") {
        return runCli(sessionArgs, { wrapper: { script: crashingBin, args: [session, String(entries)] } })
      }
      if (stop.signal === "SIGKILL") {
        return runCli(sessionArgs, {
          signalWhen: (bin) => journalReaches(session, entries, bin.ended),
          signal: "SIGKILL"
        })
      }
      return runCli(sessionArgs, {
        signalWhen: (bin) => bin.printed((stdout) => itemLines(stdout).length >= stop.k),
        signal: stop.signal
      })
    }
    const run = async (stop?: Stop) => {
      const mark = await quiet(server)
      const done = journaledDone(session)
      const resuming = existsSync(session)
      const entries = journalEntries(session) + (stop?.k ?? 0)
      const result = await start(stop, entries)
      await quiet(server)
      const label =
        stop === undefined
          ? "the last run"
          : `${stop.signal} at ${stop.k} ${handled(stop) ? "items printed" : "new journal entries"}`
      const again = askedSince(server, mark).filter((cc) => done.has(cc))
      assert.deepStrictEqual(again, [], `${label}: asked again for codes the journal held as done`)
      // the session is opened before any item: every stop came after it
      if (resuming) assert.include(result.stdout, "Resuming session", `${label}: ${result.stderr}`)
      return { result, label, entries }
    }

    for (const stop of stops) {
      const { result, label, entries } = await run(stop)
      const held = journalEntries(session)
      assert.isBelow(held, 676, `${label}: stopped before the end of the batch`)
      if (handled(stop)) {
        // the bin's own end: exit code, partial report, and every item it printed done is journaled
        // (the entries waiting were written by the session's end)
        assert.strictEqual(result.code, stop.signal === "SIGINT" ? 130 : 143, `${label}: ${result.stderr}`)
        assert.notInclude(result.stderr, "    at ", label)
        assert.include(result.stdout, reportRule, label)
        const journaled = journaledDone(session)
        const printed = itemLines(result.stdout).filter((item) => item.status !== "ERROR")
        assert.isAtLeast(printed.length, stop.k, label)
        for (const item of printed)
          assert.isTrue(journaled.has(item.id), `${label}: ${item.id} not journaled`)
      } else {
        // cut short with no finalizer: no report; the journal holds the k entries the moment waited for
        // killed by the signal; or Node's exit code for an uncaught exception
        const end = `code ${result.code}, signal ${result.signal}`
        const expected = stop.signal === "SIGKILL" ? "code null, signal SIGKILL" : "code 1, signal null"
        assert.strictEqual(end, expected, `${label}: ${result.stderr}`)
        if (stop.signal === "crash") assert.include(result.stderr, "crashed on purpose", label)
        assert.notInclude(result.stdout, reportRule, label)
        assert.isAtLeast(held, entries, label)
      }
    }
    const last = await run()
    assert.strictEqual(last.result.code, 0, last.result.stdout + last.result.stderr)
    assert.include(last.result.stdout, "Resuming session")

    // the whole set, byte for byte, and nothing else: no temporary file of a killed run
    const files = readdirSync(dest).sort()
    assert.deepStrictEqual(
      files,
      bundledCodes().map((cc) => `${cc}.png`)
    )
    for (const file of files) {
      assert.deepStrictEqual(readFileSync(join(dest, file)), bundledPng(file.slice(0, 2)), file)
    }
  } finally {
    await server.stop()
  }
}

// each test has its own server, dest and session: they run side by side; each is a dozen runs of the bin.
// k goes from a few items to 30 or 60 of the 676: with what each stopped run did beyond k, the stops
// leave hundreds to the last run
describe.concurrent("sessions survive every kind of stop (real bin, real server)", {
  timeout: 180_000
}, () => {
  it("kill -9 at 8 seeded moments, each followed by a resuming run: the full set, nothing done asked twice", async () => {
    const stops = FastCheck.sample(FastCheck.integer({ min: 3, max: 30 }), {
      numRuns: 8,
      seed: 20261202
    }).map((k) => ({ k, signal: "SIGKILL" as const }))
    await stopAndResume(stops, 7)
  })

  it("an uncaught crash at 3 seeded moments, each followed by a resuming run: the same", async () => {
    const stops = FastCheck.sample(FastCheck.integer({ min: 3, max: 60 }), {
      numRuns: 3,
      seed: 20261204
    }).map((k) => ({ k, signal: "crash" as const }))
    await stopAndResume(stops, 9)
  })

  it("Ctrl-C and SIGTERM at seeded moments, each followed by a resuming run: the same", async () => {
    const stops = FastCheck.sample(
      FastCheck.record({
        k: FastCheck.integer({ min: 3, max: 60 }),
        signal: FastCheck.constantFrom<NodeJS.Signals>("SIGINT", "SIGTERM")
      }),
      { numRuns: 4, seed: 20261203 }
    )
    await stopAndResume(stops, 8)
  })
})
