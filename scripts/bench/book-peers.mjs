// Scenario 10 of `npm run bench` ("Green on any machine"): the book's LOCAL server hit as hard as you
// can, beside the book's own client. `python3 -m http.server` over the book's flags (flags.zip, unpacked
// into a temporary folder), loopback only; rounds of the book's flags2_asyncio.py (httpx, timeout=3.1),
// our `download -e -m 100` (default timeout 3.1 s) and ours with `--retries 2`, the first two swapping
// places each round (A B, B A, …); first with two CPU hogs (`node -e "for(;;){}"`) beside them, then
// on the machine as it is. Every run is killed after BENCH_BOOK_LIMIT seconds (default 120); ours runs
// from a copy of dist/ taken at the start (one build, whatever rebuilds dist/ meanwhile).
// BOOK_GETFLAGS: the book's 20-executors/getflags folder (or BENCH_BOOK_CODE: a checkout of
// fluentpython/example-code-2e); without it, or without a python3 that has httpx and tqdm, one
// "skipped: …" line. BENCH_BOOK_ROUNDS (default 10) loaded rounds, BENCH_BOOK_QUIET_ROUNDS (default 4)
// quiet ones, BENCH_BOOK_HOGS (default 2). BENCH_BOOK_IDEAS=bin,bin4,gap,window,unpaced adds plain
// node:http clients that start connections differently (scripts/bench/accept-window.mjs), measured the
// same way; BENCH_BOOK_LAG=1 has our processes report their event-loop lag (scripts/bench/loop-lag.cjs).
// `node scripts/bench/book-peers.mjs` alone (after a build).
import { rmSync } from "node:fs"
import { loadavg } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import {
  findBook,
  killLive,
  runBook,
  runIdea,
  runOurs,
  snapshotBin,
  startHogs,
  startHttpServer,
  tcpCounters,
  unpackFlags
} from "./book-peers-procs.mjs"
import { median } from "./harness.mjs"

const f2 = (n) => n.toFixed(2)
const pad = (n) => String(n).padStart(3)
const counts = (r) =>
  r.finished
    ? `${pad(r.ok)} ok ${pad(r.notFound)} nf ${pad(r.errors)} err ${f2(r.elapsed).padStart(5)} s` +
      (r.tcp === undefined ? "" : ` [ovf ${r.tcp.overflows} syn-rtx ${r.tcp.synRetrans}]`) +
      (r.lag === undefined ? "" : ` loop lag p99 ${r.lag.p99} ms, max ${r.lag.max} ms`) +
      (r.slowest === undefined ? "" : ` slowest answer ${r.slowest} ms`) +
      (r.maxWindow === undefined || r.maxWindow === 0 ? "" : ` window ≤ ${r.maxWindow}`)
    : `did not finish (${r.failure})`
/** Median and max of the runs that finished; every run listed (– for one that did not). */
const spread = (values) => {
  const finished = values.filter((v) => !Number.isNaN(v))
  const all = values.map((v) => (Number.isNaN(v) ? "–" : v)).join(" ")
  return `median ${median(finished)}, max ${Math.max(...finished)} (${all})`
}

/** Runs `run`, with what the kernel's TCP counters moved by meanwhile. */
const measured = async (run) => {
  const before = tcpCounters()
  const result = await run()
  const after = tcpCounters()
  const tcp =
    before && after
      ? { overflows: after.overflows - before.overflows, synRetrans: after.synRetrans - before.synRetrans }
      : undefined
  return { ...result, tcp }
}

/**
 * Rounds of the clients against `server`: the book's and ours (swapping places each round), any ideas
 * (scripts/bench/accept-window.mjs), ours with --retries 2. Prints each round; returns every result.
 */
const rounds = async ({ bin, book, server, n, limitMs, label, ideas }) => {
  const results = []
  const contenders = {
    book: () => runBook(book, server.url, limitMs),
    ours: () => runOurs(bin, server.url, [], limitMs),
    ...Object.fromEntries(ideas.map((mode) => [`idea ${mode}`, () => runIdea(mode, server.url, limitMs)])),
    "ours --retries 2": () => runOurs(bin, server.url, ["--retries", "2"], limitMs)
  }
  for (let i = 0; i < n; i++) {
    const names = Object.keys(contenders)
    if (i % 2 === 1) [names[0], names[1]] = [names[1], names[0]]
    const round = { load: loadavg()[0] }
    console.log(`  ${label} round ${i + 1} (${names[0]} first; load ${f2(round.load)})`)
    for (const name of names) {
      round[name] = await measured(contenders[name])
      console.log(`    ${name.padEnd(16)} ${counts(round[name])}`)
      for (const [reason, k] of Object.entries(round[name].reasons)) console.log(`      ${k} × ${reason}`)
    }
    results.push(round)
  }
  return results
}

/** The rows a phase's rounds hold: errors side by side, the retries' 194 of 194, elapsed medians. */
const summarise = ({ results, label, row, published, ideas }) => {
  const n = results.length
  if (n === 0) return
  const done = (r) => r.finished
  const notWorse = results.filter(
    (r) => done(r.book) && done(r.ours) && r.ours.errors <= r.book.errors
  ).length
  const errorsOf = (who) => spread(results.map((r) => (done(r[who]) ? r[who].errors : Number.NaN)))
  row(
    `10. ${label}: errors per round, ours ≤ the book's in the same round`,
    `${notWorse} of ${n} rounds (ours ${errorsOf("ours")}; book ${errorsOf("book")})`,
    `${n} of ${n}`,
    notWorse === n
  )
  const retries = "ours --retries 2"
  const all = results.filter(
    (r) => done(r[retries]) && r[retries].ok === published && r[retries].errors === 0
  )
  row(
    `10. ${label}: ours --retries 2 gets all ${published} flags`,
    `${all.length} of ${n} rounds (errors ${errorsOf(retries)})`,
    `${n} of ${n}`,
    all.length === n
  )
  const range = (who) => {
    const xs = results.filter((r) => done(r[who])).map((r) => r[who].elapsed)
    return `${f2(median(xs))} s (${f2(Math.min(...xs))}–${f2(Math.max(...xs))})`
  }
  row(
    `10. ${label}: elapsed, median (range): book / ours / ours --retries 2`,
    `${range("book")} / ${range("ours")} / ${range(retries)}`,
    "—"
  )
  for (const mode of ideas) {
    const who = `idea ${mode}`
    const better = results.filter(
      (r) => done(r[who]) && done(r.book) && r[who].errors <= r.book.errors
    ).length
    row(
      `10. ${label}: idea "${mode}" (scripts/bench/accept-window.mjs): errors, elapsed`,
      `${errorsOf(who)}; ≤ the book's in ${better} of ${n}; ${range(who)}`,
      "—"
    )
  }
  const wrong = results.filter((r) =>
    Object.keys(r)
      .filter((k) => typeof r[k] === "object")
      .some((k) => done(r[k]) && r[k].saved !== r[k].ok)
  ).length
  if (wrong > 0)
    row(`10. ${label}: rounds with a run whose saved files ≠ its ok count`, `${wrong}`, "0", false)
}

export const bookPeersScenario = async ({ bin, row }) => {
  const book = findBook()
  if (book.skip !== undefined) {
    console.log(`     10. the book's LOCAL server beside the book's client: skipped: ${book.skip}`)
    return
  }
  const loaded = Number(process.env.BENCH_BOOK_ROUNDS ?? 10)
  const quiet = Number(process.env.BENCH_BOOK_QUIET_ROUNDS ?? 4)
  const hogCount = Number(process.env.BENCH_BOOK_HOGS ?? 2)
  const limitMs = Number(process.env.BENCH_BOOK_LIMIT ?? 120) * 1000
  const ideas = (process.env.BENCH_BOOK_IDEAS ?? "").split(",").filter((mode) => mode !== "")
  const { site, published } = unpackFlags(book)
  // one build for every round, whatever rebuilds dist/ meanwhile
  const snapshot = snapshotBin(bin)
  let server
  let hogs
  const stopHogs = () => {
    hogs?.stop()
    hogs = undefined
  }
  // a Ctrl-C, a kill or an error mid-scenario leaves nothing running: hogs, server, a client
  const onSignal = () => {
    killLive()
    rmSync(site, { recursive: true, force: true })
    snapshot.remove()
    process.exit(130)
  }
  process.on("exit", killLive)
  process.once("SIGINT", onSignal)
  process.once("SIGTERM", onSignal)
  try {
    server = await startHttpServer(site)
    console.log(
      `     10. ${server.url} (python3 -m http.server, ${published} flags), the book's client on ${book.python} (httpx ${book.httpx}), ours: bundle ${snapshot.hash} (a copy of dist/); load ${loadavg().map(f2).join(" ")}`
    )
    hogs = startHogs(hogCount)
    const loadedResults = await rounds({
      bin: snapshot.bin,
      book,
      server,
      n: loaded,
      limitMs,
      label: `${hogCount} hogs`,
      ideas
    })
    stopHogs()
    console.log(`     10. hogs stopped; load ${loadavg().map(f2).join(" ")}`)
    const quietResults = await rounds({
      bin: snapshot.bin,
      book,
      server,
      n: quiet,
      limitMs,
      label: "no hogs",
      ideas
    })
    summarise({
      results: loadedResults,
      label: `http.server under ${hogCount} CPU hogs, -e -m 100`,
      row,
      published,
      ideas
    })
    summarise({ results: quietResults, label: "http.server, no hogs, -e -m 100", row, published, ideas })
    console.log(`     10. load at the end ${loadavg().map(f2).join(" ")}`)
    return { loadedResults, quietResults }
  } finally {
    stopHogs()
    process.off("exit", killLive)
    process.off("SIGINT", onSignal)
    process.off("SIGTERM", onSignal)
    await server?.stop()
    rmSync(site, { recursive: true, force: true })
    snapshot.remove()
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const row = (scenario, measured, target, holds) =>
    console.log(
      `${holds === undefined ? "    " : holds ? "ok  " : "MISS"} ${scenario}: ${measured} (target ${target})`
    )
  const bin = join(import.meta.dirname, "..", "..", "dist", "bin.js")
  await bookPeersScenario({ bin, row })
}
