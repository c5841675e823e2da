// The session journal's costs (issue 15), on dist/lib: opening a 100,000-entry journal to resume it
// (read, decode, the header's 100,000 items compared), appending 100,000 entries (µs each, bytes each,
// writes), planning a resume of 100,000 items 90 % done (a stat per done file, no hash), and SHA-256
// of flag-sized bodies with node:crypto and WebCrypto. `node scripts/bench/journal.mjs` alone, or
// `journalScenario` from bench.mjs. BENCH_RUNS (default 5) rounds; medians.
import { createHash, randomBytes } from "node:crypto"
import { mkdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as Effect from "effect/Effect"
import { Journal, JournalFormat, Resume } from "../../dist/lib/index.js"
import { median, tempDir } from "./harness.mjs"

const items = 100_000
const done = 90_000
const urlOf = (i) => `http://127.0.0.1:41234/files/${i % 997}/item-${i}.png`
const hashOf = (i) => createHash("sha256").update(String(i)).digest("hex")
const entryOf = (i, mtime) => ({
  id: urlOf(i),
  status: "OK",
  file: `item-${i}.png`,
  // the files the bench writes are 1 byte each: the plan compares sizes
  size: 1,
  sha256: hashOf(i),
  etag: `"${hashOf(i).slice(0, 32)}"`,
  lastModified: "Tue, 15 Nov 1994 08:12:31 GMT",
  mtime
})
const headerOf = (dest) => ({
  command: "fetch",
  dest,
  items: Array.from({ length: items }, (_, i) => ({ id: urlOf(i) }))
})
const run = (effect) => Effect.runPromise(effect.pipe(Effect.provide(NodeContext.layer)))
const seconds = (started) => Number(process.hrtime.bigint() - started) / 1e9

/** Appends `count` entries to a new journal at `path` through one session: seconds, and the file's size. */
const appendAll = (path, header, count, mtime) =>
  run(
    Effect.scoped(
      Effect.gen(function* () {
        const session = yield* Journal.open(header)
        const started = process.hrtime.bigint()
        for (let i = 0; i < count; i++) yield* session.append(entryOf(i, mtime))
        yield* session.flush
        return seconds(started)
      })
    ).pipe(Effect.provide(Journal.layerFile(path)))
  )

const hashFigures = async () => {
  const figures = []
  for (const size of [1024, 4096, 10240]) {
    const bodies = Array.from({ length: 676 }, () => new Uint8Array(randomBytes(size)))
    let started = process.hrtime.bigint()
    for (let round = 0; round < 20; round++)
      for (const body of bodies) createHash("sha256").update(body).digest("hex")
    const node = (seconds(started) / (20 * bodies.length)) * 1e6
    started = process.hrtime.bigint()
    for (let round = 0; round < 3; round++)
      for (const body of bodies) await crypto.subtle.digest("SHA-256", body)
    const subtle = (seconds(started) / (3 * bodies.length)) * 1e6
    figures.push({ size, node, subtle })
  }
  return figures
}

/** Runs the measures; `row(scenario, measured, target, holds)` prints each. */
export const journalScenario = async ({ runs, row, f2 }) => {
  const dir = tempDir("journal")
  try {
    const dest = join(dir, "dest")
    mkdirSync(dest)
    const header = headerOf(dest)
    // a 90 %-done session: 90,000 files on disk, each journaled with its mtime
    for (let i = 0; i < done; i++) writeFileSync(join(dest, `item-${i}.png`), "x")
    const mtime = 1_700_000_000_000
    for (let i = 0; i < done; i++) utimesSync(join(dest, `item-${i}.png`), mtime / 1000, mtime / 1000)
    const appends = []
    const opens = []
    const plans = []
    let bytesPerEntry = 0
    for (let r = 0; r < runs; r++) {
      const path = join(dir, `session-${r}.ndjson`)
      appends.push((await appendAll(path, header, done, mtime)) / done)
      bytesPerEntry = (statSync(path).size - JournalFormat.headerLine(header, 0).length) / done
      const opened = await run(
        Effect.scoped(
          Effect.gen(function* () {
            const started = process.hrtime.bigint()
            const session = yield* Journal.open(header)
            const openSeconds = seconds(started)
            const planStarted = process.hrtime.bigint()
            // what a resuming run does before each request: the order, then `check` per item (a stat
            // per done file), 16 at a time here where a run checks as many as its concurrency
            const options = { retryFailed: false, recheckMissing: false, refresh: false }
            const { order } = Resume.plan(
              header.items.map((item) => session.previous.get(item.id)),
              options
            )
            const decisions = yield* Effect.forEach(
              order,
              (i) => Resume.check(session.previous.get(header.items[i].id), options, dest),
              { concurrency: 16 }
            )
            const counts = { Done: 0, Run: 0, Revalidate: 0, NotFound: 0, LeftOut: 0 }
            for (const decision of decisions) counts[decision._tag]++
            const plan = { counts }
            return { openSeconds, planSeconds: seconds(planStarted), plan, entries: session.previous.size }
          })
        ).pipe(Effect.provide(Journal.layerFile(path)))
      )
      if (opened.entries !== done || opened.plan.counts.Done !== done) {
        throw new Error(`resume planned ${JSON.stringify(opened.plan.counts)} of ${opened.entries} entries`)
      }
      opens.push(opened.openSeconds)
      plans.push(opened.planSeconds)
      rmSync(path)
    }
    row(
      `journal: open a ${done.toLocaleString("en-US")}-entry session of ${items.toLocaleString("en-US")} URLs to resume it`,
      `${f2(median(opens))} s`,
      "well under 1 s",
      median(opens) < 1
    )
    row(
      "journal: resume plan, 100,000 items 90 % done (a stat per done file)",
      `${f2(median(plans))} s`,
      "open + plan < 2 s",
      median(opens) + median(plans) < 2
    )
    row(
      "journal: append",
      `${f2(median(appends) * 1e6)} µs and ${Math.round(bytesPerEntry)} bytes per entry`,
      "a small buffered write",
      undefined
    )
    for (const { size, node, subtle } of await hashFigures()) {
      row(
        `SHA-256 of ${size / 1024} KB`,
        `node:crypto ${f2(node)} µs, WebCrypto ${f2(subtle)} µs (awaited one at a time)`,
        "node:crypto",
        node < subtle
      )
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const row = (scenario, measured, target, holds) =>
    console.log(
      `${holds === undefined ? "    " : holds ? "ok  " : "MISS"} ${scenario}: ${measured} (target ${target})`
    )
  await journalScenario({ runs: Number(process.env.BENCH_RUNS ?? 5), row, f2: (n) => n.toFixed(2) })
}
