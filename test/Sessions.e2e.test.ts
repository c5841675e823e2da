/**
 * Sessions after the hardest stops, with real processes: `flags download -e --session` killed at seeded
 * moments (SIGKILL, SIGINT, SIGTERM), each time followed by a run that resumes it. The flag server's own
 * log says which codes each run asked for: none that the journal held as done when the run started.
 */
import { spawn } from "node:child_process"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import * as FastCheck from "effect/FastCheck"
import { bin, runCli, tempDir } from "./support/cli.js"
import { bundledCodes, bundledPng, type ServerProcess, startFlagsServe } from "./support/servers.js"

const flagLine = /^([A-Z]{2}) delay: /

/**
 * Waits until the server has nothing in flight twice in a row (its log line for a request is printed
 * as the request arrives, so every one is in `lines` then); the log's length then. A request whose
 * client was killed as it connected may be counted by `/stats` and never logged: it was not answered.
 */
const quiet = async (server: ServerProcess) => {
  const statsUrl = server.baseUrl.replace(/\/flags$/, "/stats")
  let idle = 0
  for (let tries = 0; tries < 400; tries++) {
    const stats = (await (await fetch(statsUrl)).json()) as { inFlight: number }
    idle = stats.inFlight === 0 ? idle + 1 : 0
    if (idle === 2) return server.lines.length
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`the server never went quiet: ${await (await fetch(statsUrl)).text()}`)
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

/** A stop: a signal after `afterMs`, or (`crash`) an uncaught exception thrown in the bin's process. */
interface Stop {
  readonly afterMs: number
  readonly signal: NodeJS.Signals | "crash"
}

const crashingBin = join(import.meta.dirname, "fixtures", "crashing-bin.mjs")

/** The bin crashed by an uncaught exception after `afterMs`: its exit code. */
const crashed = (args: ReadonlyArray<string>, afterMs: number) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [crashingBin, String(afterMs), bin, ...args], {
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout?.on("data", (chunk) => (stdout += chunk))
    child.stderr?.on("data", (chunk) => (stderr += chunk))
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, stdout, stderr }))
  })

const started = (stdout: string) => stdout.includes("will be used.")

/** Stops `flags download -e --session` at each moment, resumes after each, then lets a last run finish. */
const stopAndResume = async (stops: ReadonlyArray<Stop>, seed: number) => {
  const server = await startFlagsServe(["--delay", "0.05s..0.3s", "--seed", String(seed)])
  try {
    const dest = tempDir("flags-session-dest-")
    const session = join(tempDir("flags-session-"), "run.ndjson")
    const args = ["download", "-e", "-m", "20", "-s", server.baseUrl, "--ext", "png", "-d", dest]
    const sessionArgs = [...args, "--session", session, "--progress", "none", "-v"]
    const run = async (stop?: Stop) => {
      const mark = await quiet(server)
      const done = journaledDone(session)
      const result =
        stop?.signal === "crash"
          ? await crashed(sessionArgs, stop.afterMs)
          : await runCli(
              sessionArgs,
              // a moment counts from the initial report: the bin is loaded, the session about to open
              stop === undefined
                ? {}
                : { signalAfterMs: stop.afterMs, signal: stop.signal, runsWhen: started }
            )
      await quiet(server)
      const label = stop === undefined ? "the last run" : `${stop.signal} after ${stop.afterMs} ms`
      const again = askedSince(server, mark).filter((cc) => done.has(cc))
      assert.deepStrictEqual(again, [], `${label}: asked again for codes the journal held as done`)
      // a crash prints Node's own report of the exception; a stop by signal never a stack trace
      if (stop?.signal !== "crash") assert.notInclude(result.stderr, "    at ", label)
      if (
        stop !== undefined &&
        stop.signal !== "SIGKILL" &&
        stop.signal !== "crash" &&
        result.code !== 0 &&
        result.code !== null
      ) {
        assert.strictEqual(result.code, stop.signal === "SIGINT" ? 130 : 143, `${label}: ${result.stderr}`)
      }
      return { result, done }
    }
    // stops that landed mid-batch: the run was stopped after it had journaled items, before it was done
    let midBatch = 0
    for (const stop of stops) {
      const { result, done } = await run(stop)
      const after = journaledDone(session).size
      if (result.code !== 0 && after > done.size && after < 676) midBatch++
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
    return midBatch
  } finally {
    await server.stop()
  }
}

// each test has its own server, dest and session: they run side by side; each is a dozen runs of the bin
describe.concurrent("sessions survive every kind of stop (real bin, real server)", {
  timeout: 120_000
}, () => {
  it("kill -9 at 8 seeded moments, each followed by a resuming run: the full set, nothing done asked twice", async () => {
    const stops = FastCheck.sample(FastCheck.integer({ min: 150, max: 1000 }), {
      numRuns: 8,
      seed: 20261202
    }).map((afterMs) => ({ afterMs, signal: "SIGKILL" as const }))
    assert.isAtLeast(await stopAndResume(stops, 7), 4, "stops that landed mid-batch")
  })

  it("an uncaught crash at 3 seeded moments, each followed by a resuming run: the same", async () => {
    // counted from the spawn (the crash is thrown inside the bin's process): loading comes first
    const stops = FastCheck.sample(FastCheck.integer({ min: 700, max: 1600 }), {
      numRuns: 3,
      seed: 20261204
    }).map((afterMs) => ({ afterMs, signal: "crash" as const }))
    assert.isAtLeast(await stopAndResume(stops, 9), 2, "crashes that landed mid-batch")
  })

  it("Ctrl-C and SIGTERM at seeded moments, each followed by a resuming run: the same", async () => {
    const stops = FastCheck.sample(
      FastCheck.record({
        afterMs: FastCheck.integer({ min: 150, max: 1000 }),
        signal: FastCheck.constantFrom<NodeJS.Signals>("SIGINT", "SIGTERM")
      }),
      { numRuns: 4, seed: 20261203 }
    )
    assert.isAtLeast(await stopAndResume(stops, 8), 3, "stops that landed mid-batch")
  })
})
