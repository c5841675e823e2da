// Sessions (issue 15), end to end with the real bin: what `--session` adds to a 676-code run (the
// journal and the SHA-256 of every body), A B A B against the same run without it; the journal's bytes
// per item; and how long a 100,000-URL `flags fetch` session that is 90 % done takes from the command
// to its first new request. `node scripts/bench/sessions.mjs` alone (after `npm run build`), or
// `sessionsScenario` from bench.mjs. BENCH_RUNS (default 5) rounds; medians.
import { spawn } from "node:child_process"
import { createHash } from "node:crypto"
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs"
import { createServer } from "node:http"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { pathToFileURL } from "node:url"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as Effect from "effect/Effect"
import { Journal } from "../../dist/lib/index.js"
import { median, startServer, tempDir, timed } from "./harness.mjs"

const elapsedOf = (result) => Number(/Elapsed time: ([\d.]+)s/.exec(result.stdout)?.[1] ?? Number.NaN)

/** `flags download -e -m 100` from the bench server into a new dest, with a new session or none. */
const everyCode = async (bin, server, withSession) => {
  const dir = tempDir("session-676")
  const session = join(dir, "session.ndjson")
  const args = ["download", "-e", "-m", "100", "-s", server.url, "--ext", server.extension]
  try {
    const result = await timed(process.execPath, [
      bin,
      ...args,
      "-d",
      join(dir, "dest"),
      ...(withSession ? ["--session", session] : [])
    ])
    if (result.code !== 0) throw new Error(`flags download exited ${result.code}: ${result.stderr}`)
    return { ...result, elapsed: elapsedOf(result), bytes: withSession ? statSync(session).size : 0 }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The bodies the bench server sends for `-e --ext png`: the bundled PNGs of two-letter codes. */
const bundledBodies = () => {
  const folder = join(
    dirname(createRequire(import.meta.url).resolve("svg-country-flags/countries.json")),
    "png100px"
  )
  return readdirSync(folder)
    .filter((name) => /^[a-z]{2}\.png$/.test(name))
    .map((name) => readFileSync(join(folder, name)))
}

/** Seconds to hash every body once (node:crypto, as the downloader does), the median of 21 rounds. */
const hashingOf = (bodies) => {
  const rounds = []
  for (let round = 0; round < 21; round++) {
    const started = process.hrtime.bigint()
    for (const body of bodies) createHash("sha256").update(body).digest("hex")
    rounds.push(Number(process.hrtime.bigint() - started) / 1e9)
  }
  return median(rounds)
}

const items = 100_000
const doneItems = 90_000

/**
 * A 100,000-URL `flags fetch` session 90 % done: the list, 90,000 files in dest and their journal (as
 * the bin would have written it), against a server that notes when its first request arrives.
 */
const resumeSetup = async (dir, port) => {
  const dest = join(dir, "dest")
  mkdirSync(dest)
  const urlOf = (i) => `http://127.0.0.1:${port}/files/${i % 997}/item-${i}.png`
  writeFileSync(join(dir, "list.txt"), `${Array.from({ length: items }, (_, i) => urlOf(i)).join("\n")}\n`)
  const body = "x"
  const sha256 = createHash("sha256").update(body).digest("hex")
  const mtime = 1_700_000_000_000
  for (let i = 0; i < doneItems; i++) {
    const file = join(dest, `item-${i}.png`)
    writeFileSync(file, body)
    utimesSync(file, mtime / 1000, mtime / 1000)
  }
  const header = {
    command: "fetch",
    dest,
    items: Array.from({ length: items }, (_, i) => ({ id: urlOf(i) }))
  }
  await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const session = yield* Journal.open(header)
        for (let i = 0; i < doneItems; i++) {
          yield* session.append({ id: urlOf(i), status: "OK", file: `item-${i}.png`, size: 1, sha256, mtime })
        }
      })
    ).pipe(Effect.provide(Journal.layerFile(join(dir, "session.ndjson"))), Effect.provide(NodeContext.layer))
  )
}

/**
 * Seconds from spawning the resuming `flags fetch` to the server's first request; the bin is then
 * stopped, and the promise settles once it has exited (so no late request of it meets the next run).
 */
const toFirstRequest = (bin, dir, server) =>
  new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    const child = spawn(
      process.execPath,
      [
        bin,
        "fetch",
        "-i",
        join(dir, "list.txt"),
        "-d",
        join(dir, "dest"),
        "--session",
        join(dir, "session.ndjson")
      ],
      { stdio: ["ignore", "ignore", "pipe"] }
    )
    let stderr = ""
    let first
    child.stderr.on("data", (chunk) => (stderr += chunk))
    server.first = () => {
      server.first = () => {}
      first = Number(process.hrtime.bigint() - started) / 1e9
      child.kill("SIGINT")
    }
    child.on("close", (code) => {
      server.first = () => {}
      if (first === undefined) reject(new Error(`flags fetch ended (${code}) before any request: ${stderr}`))
      else resolve(first)
    })
  })

/** Runs the measures; `row(scenario, measured, target, holds)` prints each. */
export const sessionsScenario = async ({ bin, runs, row, f2 }) => {
  const server = await startServer()
  try {
    const plain = []
    const journaled = []
    let bytes = 0
    for (let i = 0; i < runs; i++) {
      plain.push(await everyCode(bin, server, false))
      const run = await everyCode(bin, server, true)
      journaled.push(run)
      bytes = run.bytes
    }
    const ratio = median(journaled.map((r) => r.elapsed)) / median(plain.map((r) => r.elapsed))
    const cpuRatio = median(journaled.map((r) => r.cpu)) / median(plain.map((r) => r.cpu))
    row(
      "9a. 676 codes -m 100 with --session / without (journal, a stat per saved file, SHA-256 of each body)",
      `elapsed ${f2(median(journaled.map((r) => r.elapsed)))} / ${f2(median(plain.map((r) => r.elapsed)))} s = ${f2(ratio)}×, CPU ${f2(median(journaled.map((r) => r.cpu)))} / ${f2(median(plain.map((r) => r.cpu)))} s = ${f2(cpuRatio)}×`,
      "—",
      undefined
    )
    // the hashing alone: the SHA-256 of every body that run saves (the server's 252 bundled PNGs), as
    // a share of the run's CPU without a session
    const hashSeconds = hashingOf(bundledBodies())
    const share = hashSeconds / median(plain.map((r) => r.cpu))
    row(
      "9a'. SHA-256 of the 252 bodies of that run / its CPU without a session",
      `${f2(hashSeconds * 1000)} ms = ${f2(share * 100)} %`,
      "≤ 5 %",
      share <= 0.05
    )
    row("9b. journal of that run", `${bytes} bytes, ${Math.round(bytes / 676)} per item`, "—", undefined)
  } finally {
    await server.stop()
  }

  const dir = tempDir("session-resume")
  const first = { first: () => {} }
  const listener = createServer((_request, response) => {
    first.first()
    response.end("y")
  })
  await new Promise((resolve) => listener.listen(0, "127.0.0.1", resolve))
  try {
    await resumeSetup(dir, listener.address().port)
    const times = []
    for (let i = 0; i < runs; i++) times.push(await toFirstRequest(bin, dir, first))
    row(
      "9c. resume a 100,000-URL fetch session 90 % done: command to first new request",
      `${f2(median(times))} s (of ${times.map(f2).join(", ")})`,
      "< 2 s",
      median(times) < 2
    )
  } finally {
    listener.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const row = (scenario, measured, target, holds) =>
    console.log(
      `${holds === undefined ? "    " : holds ? "ok  " : "MISS"} ${scenario}: ${measured} (target ${target})`
    )
  const bin = join(import.meta.dirname, "..", "..", "dist", "bin.js")
  await sessionsScenario({ bin, runs: Number(process.env.BENCH_RUNS ?? 5), row, f2: (n) => n.toFixed(2) })
}
