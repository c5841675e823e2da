// Why ours errs against the book's LOCAL server: one or more runs of our `download -e -m 100` (default
// timeout 3.1 s) against http.server's own server and handler, which logs when it accepted each connection
// and when it answered (scripts/bench/timed_http_server.py), while Node's diagnostics channel records when
// our client created, sent, got the answer to and closed each request (scripts/bench/http-trace.cjs).
// For each download reported as an error it says what the wire saw: answered by the server, and received
// by our client, before we gave up (the timeout was ours), accepted only after (the server's queue), or
// never reached the server. BOOK_GETFLAGS as for scenario 10; BENCH_TRACE_RUNS (default 3),
// BENCH_BOOK_HOGS (default 0 here). `node scripts/bench/book-peers-trace.mjs` (after a build).
import { spawn } from "node:child_process"
import { existsSync, readFileSync, rmSync } from "node:fs"
import { join } from "node:path"
import { createInterface } from "node:readline"
import { killLive, runOurs, snapshotBin, startHogs, unpackFlags } from "./book-peers-procs.mjs"
import { median, tempDir } from "./harness.mjs"

const here = import.meta.dirname
const book = { dir: process.env.BOOK_GETFLAGS }
if (book.dir === undefined || !existsSync(join(book.dir, "flags.zip"))) {
  console.log("skipped: BOOK_GETFLAGS is unset or has no flags.zip (the book's 20-executors/getflags folder)")
  process.exit(0)
}
const runs = Number(process.env.BENCH_TRACE_RUNS ?? 3)
const hogCount = Number(process.env.BENCH_BOOK_HOGS ?? 0)

/** The timed server over `site`; resolves with its base URL once it listens. */
const startTimedServer = (site, log) =>
  new Promise((resolve, reject) => {
    const child = spawn("python3", ["-u", join(here, "timed_http_server.py"), site, log], {
      // its stderr: a traceback for each connection our client closed first (BrokenPipeError)
      stdio: ["ignore", "pipe", "ignore"]
    })
    createInterface({ input: child.stdout }).on("line", (line) => {
      const port = /^port (\d+)/.exec(line)?.[1]
      if (port !== undefined)
        resolve({ url: `http://127.0.0.1:${port}/flags`, stop: () => child.kill("SIGKILL") })
    })
    child.once("error", reject)
  })

const lines = (file) =>
  existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .filter((l) => l !== "")
    : []
const s = (ms) => (ms / 1000).toFixed(3)

const { site } = unpackFlags(book)
const snapshot = snapshotBin(join(here, "..", "..", "dist", "bin.js"))
const work = tempDir("trace")
const log = join(work, "server.log")
const server = await startTimedServer(site, log)
const hogs = startHogs(hogCount)
process.on("exit", killLive)
console.log(`${server.url}, ours: bundle ${snapshot.hash}, ${hogCount} hogs, ${runs} runs`)
try {
  for (let run = 1; run <= runs; run++) {
    const traceFile = join(work, `trace-${run}.ndjson`)
    process.env.HTTP_TRACE_FILE = traceFile
    process.env.BENCH_BOOK_PRELOAD = join(here, "http-trace.cjs")
    const serverLines = lines(log).length
    const result = await runOurs(snapshot.bin, server.url, [], 120_000)
    const served = new Map(
      lines(log)
        .slice(serverLines)
        .map((line) => {
          const [path, status, accepted, answered] = line.split(" ")
          return [path, { status, accepted: Number(accepted) * 1000, answered: Number(answered) * 1000 }]
        })
    )
    const traced = new Map(lines(traceFile).map((line) => [JSON.parse(line).path, JSON.parse(line)]))
    const start = Math.min(...[...traced.values()].map((r) => r.created))
    const kinds = { ours: [], queue: [], never: [], other: [] }
    for (const cc of result.errorCodes) {
      const path = `/flags/${cc.toLowerCase()}/${cc.toLowerCase()}.gif`
      const t = traced.get(path)
      const v = served.get(path)
      const row = { cc, t, v }
      if (v === undefined || t === undefined) kinds.never.push(row)
      else if (t.answered !== undefined && v.answered < t.closed) kinds.ours.push(row)
      else if (v.accepted > t.closed) kinds.queue.push(row)
      else kinds.other.push(row)
    }
    console.log(
      `run ${run}: ${result.ok} ok ${result.notFound} nf ${result.errors} err, elapsed ${result.elapsed} s; the errors: ` +
        `${kinds.ours.length} answered by the server and received by ours before it gave up, ` +
        `${kinds.queue.length} accepted by the server only after, ${kinds.never.length} never reached it, ` +
        `${kinds.other.length} other`
    )
    if (kinds.ours.length > 0) {
      const wire = kinds.ours.map(({ t }) => t.answered - t.created)
      const created = kinds.ours.map(({ t }) => t.created - start)
      console.log(
        `  those ${kinds.ours.length}: request created → answer received ${median(wire).toFixed(1)} ms median ` +
          `(max ${Math.max(...wire).toFixed(1)}); created ${s(Math.min(...created))}–${s(Math.max(...created))} s into the run`
      )
    }
    // how far apart our requests were created, over the run (the pacing of new connections)
    const times = [...traced.values()].map((r) => r.created - start).sort((a, b) => a - b)
    const windows = []
    for (let i = 25; i < times.length; i += 75) {
      const gaps = times.slice(i - 25, i).map((t, j, a) => (j === 0 ? 0 : t - a[j - 1]))
      windows.push(`${s(times[i])} s: ${median(gaps.slice(1)).toFixed(1)} ms`)
    }
    console.log(`  our requests' creation, median gap by the time: ${windows.join(", ")}`)
  }
} finally {
  hogs.stop()
  server.stop()
  snapshot.remove()
  killLive()
  rmSync(work, { recursive: true, force: true })
  rmSync(site, { recursive: true, force: true })
}
