// `npm run bench`: the downloader's scenarios (1–4, with issue 12's targets as ratios to the node:http
// floor, to curl and to `node -e 0` in the same run), each run several times in A B A B order against
// the project's own flag server (in its own process), printing medians, ratios and whether each target
// holds; the spinner and the server (5, 6), issue 16's CPU-bound work (7, scripts/bench/primes.mjs), the
// renderer (8), sessions (9, scripts/bench/sessions.mjs) and the book's LOCAL server beside the book's
// own client, under load and quiet (10, scripts/bench/book-peers.mjs; needs BOOK_GETFLAGS, else skipped).
// BENCH_RUNS (default 5) sets the repetitions. The table is also written to .bench/latest.md.
import { execFileSync, spawnSync } from "node:child_process"
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { CountryCodes } from "../dist/lib/index.js"
import { bookPeersScenario } from "./bench/book-peers.mjs"
import { median, startServer, tempDir, timed } from "./bench/harness.mjs"
import { primesScenario } from "./bench/primes.mjs"
import { sessionsScenario } from "./bench/sessions.mjs"

const runs = Number(process.env.BENCH_RUNS ?? 5)
const bin = join(import.meta.dirname, "..", "dist", "bin.js")
const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
const every = [...letters].flatMap((a) => [...letters].map((b) => a + b))
const rows = []
const row = (scenario, measured, target, holds) => {
  rows.push({ scenario, measured, target, holds })
  console.log(
    `${holds === undefined ? "    " : holds ? "ok  " : "MISS"} ${scenario}: ${measured} (target ${target})`
  )
}
const f2 = (n) => n.toFixed(2)
const f3 = (n) => n.toFixed(3)
const only = new Set((process.env.BENCH_ONLY ?? "1,2,3,4,5,6,7,8,9,10").split(","))
const haveCurl = spawnSync("curl", ["--version"]).status === 0

const flags = (args) => {
  const dest = tempDir("dest")
  return timed(process.execPath, [bin, "download", ...args, "-d", dest]).finally(() =>
    rmSync(dest, { recursive: true, force: true })
  )
}
const elapsedOf = (result) => Number(/Elapsed time: ([\d.]+)s/.exec(result.stdout)?.[1] ?? Number.NaN)

const curlAll = (server, codes) => {
  const dest = tempDir("curl")
  const config = join(dest, "urls.txt")
  writeFileSync(
    config,
    codes
      .map((cc) => cc.toLowerCase())
      .map(
        (cc) =>
          `url = "${server.url}/${cc}/${cc}.${server.extension}"\noutput = "${dest}/${cc}.${server.extension}"`
      )
      .join("\n")
  )
  const args = ["--parallel", "--parallel-immediate", "--parallel-max", "100", "-s", "-K", config]
  return timed("curl", args).finally(() => rmSync(dest, { recursive: true, force: true }))
}
const baseline = (name, server, codes, workers) => {
  const dest = tempDir(name)
  const script = join(import.meta.dirname, "bench", `${name}.mjs`)
  return timed(process.execPath, [
    script,
    server.url,
    server.extension,
    dest,
    String(workers),
    ...codes
  ]).finally(() => rmSync(dest, { recursive: true, force: true }))
}
const fetchAll = (server, codes) => baseline("fetch-baseline", server, codes, 100)
// node:http with no framework: what Node itself allows, in the same run
const floorOf = (server, codes, workers) => baseline("http-floor", server, codes, workers)
/** The JSON line a baseline or the scale script prints last. */
const lastJson = (result) => JSON.parse(result.stdout.trim().split("\n").at(-1))

// 1. Throughput and memory: 676 codes, no delay, 100 concurrent, whole process.
if (only.has("1")) {
  const server = await startServer()
  const ours = []
  const curl = []
  const plain = []
  const floor = []
  for (let i = 0; i < runs; i++) {
    ours.push(await flags(["-e", "-m", "100", "-s", server.url, "--ext", server.extension]))
    if (haveCurl) curl.push(await curlAll(server, every))
    plain.push(await fetchAll(server, every))
    floor.push(await floorOf(server, every, 100))
  }
  await server.stop()
  const wall = median(ours.map((r) => r.wall))
  const rss = median(ours.map((r) => r.rssMiB))
  const counts = /(\d+) flags? downloaded/.exec(ours[0].stdout)?.[1]
  row("676 codes -m 100: flags (wall)", `${f3(wall)} s, ${counts} downloaded`, "—")
  row(
    "676 codes: node:http, no framework, 100 workers (the floor)",
    `${f3(median(floor.map((r) => r.wall)))} s, ${f2(median(floor.map((r) => r.rssMiB)))} MiB`,
    "—"
  )
  row(
    "676 codes: plain Node fetch, 100 workers",
    `${f3(median(plain.map((r) => r.wall)))} s, ${f2(median(plain.map((r) => r.rssMiB)))} MiB`,
    "—"
  )
  // issue 12's targets: ratios to the floor (wall and CPU) and to curl, in this run
  const floorWall = median(floor.map((r) => r.wall))
  const cpu = median(ours.map((r) => r.cpu))
  const floorCpu = median(floor.map((r) => r.cpu))
  row(
    "1. 676 codes: flags / the floor, wall",
    `${f2(wall / floorWall)}× (${f3(wall)} / ${f3(floorWall)} s)`,
    "≤ 1.6×",
    wall / floorWall <= 1.6
  )
  row(
    "1. 676 codes: flags / the floor, CPU",
    `${f2(cpu / floorCpu)}× (${f3(cpu)} / ${f3(floorCpu)} s)`,
    "≤ 1.6×",
    cpu / floorCpu <= 1.6
  )
  if (haveCurl) {
    const curlWall = median(curl.map((r) => r.wall))
    row("676 codes: curl --parallel-max 100", `${f3(curlWall)} s`, "—")
    row("1. 676 codes: flags / curl, wall", `${f2(wall / curlWall)}×`, "≤ 2.5×", wall / curlWall <= 2.5)
  } else row("1. 676 codes: flags / curl", "curl not installed: ratio skipped", "≤ 2.5×")
  row("1. flags / plain Node fetch, wall", `${f2(wall / median(plain.map((r) => r.wall)))}×`, "—")
  row("4. peak RSS, 676 codes -m 100", `${f2(rss)} MiB`, "≤ 110 MiB", rss <= 110)
}

// 2. Latency-bound: 194 flags, every response delayed exactly 0.5 s.
if (only.has("2")) {
  for (const maxReq of [1000, 20]) {
    const server = await startServer({ delay: "500 millis" })
    const results = []
    const inFlight = []
    const floor = []
    for (let i = 0; i < runs; i++) {
      results.push(await flags(["-a", "-m", String(maxReq), "-s", server.url, "--ext", server.extension]))
      inFlight.push((await server.stats()).maxInFlight)
      floor.push(await floorOf(server, CountryCodes.bookCodes, Math.min(maxReq, 194)))
    }
    const elapsed = median(results.map(elapsedOf))
    const floorPhase = median(floor.map((result) => lastJson(result).elapsed))
    const announced = Number(/(\d+) concurrent connections? will be used/.exec(results[0].stdout)?.[1])
    const seen = Math.max(...inFlight)
    row(
      `2. 194 flags, 0.5 s delay, -m ${maxReq}: download phase, flags / the floor`,
      `${f2(elapsed / floorPhase)}× (${f3(elapsed)} / ${f3(floorPhase)} s)`,
      "≤ 1.2×",
      elapsed / floorPhase <= 1.2
    )
    row(
      `2. -m ${maxReq}: announced / seen in flight by the server`,
      `${announced} / ${seen}`,
      "equal",
      announced === seen
    )
    await server.stop()
  }
}

// 3. Cold start: one flag, and --help, whole process.
if (only.has("3")) {
  const server = await startServer()
  const one = []
  const help = []
  const bare = []
  for (let i = 0; i < Math.max(runs, 7); i++) {
    bare.push(await timed(process.execPath, ["-e", "0"]))
    one.push(await flags(["-s", server.url, "--ext", server.extension, "BR"]))
    help.push(await timed(process.execPath, [bin, "--help"]))
  }
  await server.stop()
  const oneWall = median(one.map((r) => r.wall))
  const helpWall = median(help.map((r) => r.wall))
  const bareWall = median(bare.map((r) => r.wall))
  row("3. node -e 0", `${f3(bareWall)} s`, "—")
  row(
    "3. cold start: flags download -s URL BR / node -e 0",
    `${f2(oneWall / bareWall)}× (${f3(oneWall)} s, ${f2(median(one.map((r) => r.rssMiB)))} MiB)`,
    "≤ 1.8×",
    oneWall / bareWall <= 1.8
  )
  row(
    "3. cold start: flags --help / node -e 0",
    `${f2(helpWall / bareWall)}× (${f3(helpWall)} s)`,
    "≤ 1.8×",
    helpWall / bareWall <= 1.8
  )
}

// 4. Memory at scale: 100,000 requests at concurrency 200 through the library; then the same with the
// heap limit an app may set (V8's own growth policy, not the library, decides the default peak).
if (only.has("4")) {
  const server = await startServer()
  const scale = (nodeFlags) =>
    timed(process.execPath, [
      ...nodeFlags,
      join(import.meta.dirname, "bench", "scale.mjs"),
      server.url,
      "100000",
      "200"
    ])
  const result = await scale([])
  const capped = await scale(["--max-old-space-size=96"])
  await server.stop()
  const report = lastJson(result)
  const drift = report.lastQuarterRate / report.firstQuarterRate
  row(
    "4. 100,000 requests -m 200: peak RSS",
    `${f2(result.rssMiB)} MiB (${report.total} done in ${f2(result.wall)} s)`,
    "≤ 150 MiB",
    result.rssMiB <= 150
  )
  row(
    "4. last-quarter / first-quarter throughput",
    `${f2(drift)} (${Math.round(report.firstQuarterRate)} → ${Math.round(report.lastQuarterRate)} req/s)`,
    "≥ 0.85",
    drift >= 0.85
  )
  row(
    "4. the same under node --max-old-space-size=96",
    `${f2(capped.rssMiB)} MiB (${lastJson(capped).total} done in ${f2(capped.wall)} s)`,
    "—"
  )
}

// CPU (user + sys, s) of one `flags` run on a pseudo-terminal (script), so the renderer draws live.
const cpuOnPty = (args) => {
  const dir = tempDir("spin")
  const file = join(dir, "time")
  execFileSync(
    "script",
    ["-qec", `/usr/bin/time -f "%U %S" -o ${file} ${process.execPath} ${bin} ${args}`, "/dev/null"],
    { stdio: "ignore" }
  )
  const [user, sys] = execFileSync("tail", ["-n1", file], { encoding: "utf8" }).trim().split(" ").map(Number)
  rmSync(dir, { recursive: true, force: true })
  return user + sys
}

// 5. Spinner CPU: a 3-second spin on a pseudo-terminal against an immediately finishing one.
if (only.has("5")) {
  const spinning = []
  const idle = []
  for (let i = 0; i < runs; i++) {
    spinning.push(cpuOnPty("spin --seconds 3"))
    idle.push(cpuOnPty("spin --seconds 0"))
  }
  const extra = median(spinning) - median(idle)
  row("5. flags spin 3 s: CPU beyond an immediate run", `${f3(extra)} s`, "≤ 0.03 s", extra <= 0.03)
}

// 6. Server: requests per second against plain node:http serving the same bytes.
if (only.has("6")) {
  const output = execFileSync(process.execPath, [join(import.meta.dirname, "bench-server.mjs")], {
    encoding: "utf8"
  })
  const ratio = Number(/ratio[^\d]*([\d.]+)/i.exec(output)?.[1])
  row(
    "6. flag server req/s / plain node:http",
    Number.isFinite(ratio) ? `${f2(ratio)}` : "see bench:server",
    "≥ 0.60",
    Number.isFinite(ratio) ? ratio >= 0.6 : undefined
  )
}

// 7. CPU-bound work: flags primes -w 2 vs -w 1, the book's procs.py, the spinner beside a worker.
if (only.has("7")) await primesScenario({ bin, runs, row, f2, f3 })

// 8. The renderer idle-redrawing: three spinner lines redrawn 10 times a second with nothing else to
// do. The CPU of a 15 s run less that of a 5 s run, over the 10 s between: what redrawing costs per
// second once started (start-up, and compiling the drawing code, are in both runs), as a share of a core.
if (only.has("8")) {
  const [short, long] = [5, 15]
  const shorter = []
  const longer = []
  for (let i = 0; i < runs; i++) {
    longer.push(cpuOnPty(`spin --tasks 3 --seconds ${long}`))
    shorter.push(cpuOnPty(`spin --tasks 3 --seconds ${short}`))
  }
  const extra = median(longer) - median(shorter)
  const share = extra / (long - short)
  row(
    "8. renderer idle-redrawing 3 spinner lines: CPU per second (15 s run − 5 s run)",
    `${f2(share * 100)} % of a core (${f3(extra)} s in ${long - short} s)`,
    "≤ 1 %",
    share <= 0.01
  )
}

// 9. Sessions: what --session adds to a 676-code run, the hashing's share, resuming 100,000 URLs.
if (only.has("9")) await sessionsScenario({ bin, runs, row, f2 })

// 10. The book's LOCAL server (`python3 -m http.server` over flags.zip) hit with -e -m 100 beside the
// book's flags2_asyncio.py, under two CPU hogs and without: errors per round, --retries 2, elapsed.
if (only.has("10")) await bookPeersScenario({ bin, row })

const table = [
  `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench\` (medians of ${runs} runs, Node ${process.version}, ${(await import("node:os")).cpus().length} cores).`,
  "",
  "| scenario | measured | target | holds |",
  "| --- | --- | --- | --- |",
  ...rows.map(
    (r) =>
      `| ${r.scenario} | ${r.measured} | ${r.target} | ${r.holds === undefined ? "" : r.holds ? "yes" : "**no**"} |`
  )
].join("\n")
mkdirSync(".bench", { recursive: true })
writeFileSync(".bench/latest.md", `${table}\n`)
console.log(`\n${table}`)
