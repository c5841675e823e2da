// `npm run bench`: the downloader's scenarios (1–4, with issue 12's targets as ratios to the node:http
// floor, to curl and to `node -e 0` in the same run), each run several times in A B A B order against
// the project's own flag server (in its own process), printing medians, ratios and whether each target
// holds; the spinner and the server (5, 6), issue 16's CPU-bound work (7, scripts/bench/primes.mjs), the
// renderer (8), sessions (9, scripts/bench/sessions.mjs) and the book's LOCAL server beside the book's
// own client, under load and quiet (10, scripts/bench/book-peers.mjs; needs BOOK_GETFLAGS, else skipped),
// and one 1 GiB file from nginx against curl (11, scripts/bench/huge-file.mjs; needs nginx and curl).
// BENCH_RUNS (default 5) sets the repetitions. The table is also written to .bench/latest.md.
// BENCH_A and BENCH_B (two checkouts, each built) compare two builds in one run: scenarios 1–4 run
// ours from A and from B in A B A B order beside the same floor and curl runs, print each build's rows
// and a table of each figure for A, for B, B / A and whether B is within 5 % of A (issue 20).
import { execFileSync, spawnSync } from "node:child_process"
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { CountryCodes } from "../dist/lib/index.js"
import { bookPeersScenario } from "./bench/book-peers.mjs"
import { median, startServer, tempDir, timed } from "./bench/harness.mjs"
import { hugeFileScenario } from "./bench/huge-file.mjs"
import { primesScenario } from "./bench/primes.mjs"
import { sessionsScenario } from "./bench/sessions.mjs"

const runs = Number(process.env.BENCH_RUNS ?? 5)
const bin = join(import.meta.dirname, "..", "dist", "bin.js")
// the builds scenarios 1–4 measure: this checkout's, or A and B, each with its own bin and scale script
// (the library's deep paths differ between layouts); tag names the build in a row's label
const builds =
  process.env.BENCH_A && process.env.BENCH_B
    ? [
        { tag: " [A]", root: process.env.BENCH_A },
        { tag: " [B]", root: process.env.BENCH_B }
      ].map((build) => ({ ...build, bin: join(build.root, "dist", "bin.js") }))
    : [{ tag: "", root: join(import.meta.dirname, ".."), bin }]
const comparing = builds.length === 2
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
const only = new Set((process.env.BENCH_ONLY ?? "1,2,3,4,5,6,7,8,9,10,11").split(","))
const haveCurl = spawnSync("curl", ["--version"]).status === 0
// each build's figures of scenarios 1–4 by name, for the A / B table at the end
const figures = builds.map(() => ({}))
// lower is better, but for these
const higherIsBetter = new Set(["4. last-quarter / first-quarter throughput"])

const flags = (build, args) => {
  const dest = tempDir("dest")
  return timed(process.execPath, [build.bin, "download", ...args, "-d", dest]).finally(() =>
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
  const ours = builds.map(() => [])
  const curl = []
  const plain = []
  const floor = []
  for (let i = 0; i < runs; i++) {
    for (const [b, build] of builds.entries())
      ours[b].push(await flags(build, ["-e", "-m", "100", "-s", server.url, "--ext", server.extension]))
    if (haveCurl) curl.push(await curlAll(server, every))
    plain.push(await fetchAll(server, every))
    floor.push(await floorOf(server, every, 100))
  }
  await server.stop()
  const floorWall = median(floor.map((r) => r.wall))
  const floorCpu = median(floor.map((r) => r.cpu))
  const curlWall = haveCurl ? median(curl.map((r) => r.wall)) : Number.NaN
  const plainWall = median(plain.map((r) => r.wall))
  for (const [b, build] of builds.entries()) {
    const wall = median(ours[b].map((r) => r.wall))
    const cpu = median(ours[b].map((r) => r.cpu))
    const rss = median(ours[b].map((r) => r.rssMiB))
    const counts = /(\d+) flags? downloaded/.exec(ours[b][0].stdout)?.[1]
    // the references' rows once, where they stand in a one-build run
    const first = b === 0
    row(`676 codes -m 100: flags (wall)${build.tag}`, `${f3(wall)} s, ${counts} downloaded`, "—")
    if (first) {
      row(
        "676 codes: node:http, no framework, 100 workers (the floor)",
        `${f3(floorWall)} s, ${f2(median(floor.map((r) => r.rssMiB)))} MiB`,
        "—"
      )
      row(
        "676 codes: plain Node fetch, 100 workers",
        `${f3(plainWall)} s, ${f2(median(plain.map((r) => r.rssMiB)))} MiB`,
        "—"
      )
    }
    // issue 12's targets: ratios to the floor (wall and CPU) and to curl, in this run
    row(
      `1. 676 codes: flags / the floor, wall${build.tag}`,
      `${f2(wall / floorWall)}× (${f3(wall)} / ${f3(floorWall)} s)`,
      "≤ 1.6×",
      wall / floorWall <= 1.6
    )
    row(
      `1. 676 codes: flags / the floor, CPU${build.tag}`,
      `${f2(cpu / floorCpu)}× (${f3(cpu)} / ${f3(floorCpu)} s)`,
      "≤ 1.6×",
      cpu / floorCpu <= 1.6
    )
    if (haveCurl) {
      if (first) row("676 codes: curl --parallel-max 100", `${f3(curlWall)} s`, "—")
      row(
        `1. 676 codes: flags / curl, wall${build.tag}`,
        `${f2(wall / curlWall)}×`,
        "≤ 2.5×",
        wall / curlWall <= 2.5
      )
    } else row(`1. 676 codes: flags / curl${build.tag}`, "curl not installed: ratio skipped", "≤ 2.5×")
    row(`1. flags / plain Node fetch, wall${build.tag}`, `${f2(wall / plainWall)}×`, "—")
    row(`4. peak RSS, 676 codes -m 100${build.tag}`, `${f2(rss)} MiB`, "≤ 110 MiB", rss <= 110)
    Object.assign(figures[b], {
      "1. flags / the floor, wall": wall / floorWall,
      "1. flags / the floor, CPU": cpu / floorCpu,
      ...(haveCurl ? { "1. flags / curl, wall": wall / curlWall } : {}),
      "1. flags / plain Node fetch, wall": wall / plainWall,
      "1. peak RSS, 676 codes -m 100 (MiB)": rss
    })
  }
}

// 2. Latency-bound: 194 flags, every response delayed exactly 0.5 s.
if (only.has("2")) {
  for (const maxReq of [1000, 20]) {
    const server = await startServer({ delay: "500 millis" })
    const results = builds.map(() => [])
    const inFlight = builds.map(() => [])
    const floor = []
    for (let i = 0; i < runs; i++) {
      for (const [b, build] of builds.entries()) {
        results[b].push(
          await flags(build, ["-a", "-m", String(maxReq), "-s", server.url, "--ext", server.extension])
        )
        // the server's peak since it started: with two builds, B's includes A's runs (and both the floor's)
        inFlight[b].push((await server.stats()).maxInFlight)
      }
      floor.push(await floorOf(server, CountryCodes.bookCodes, Math.min(maxReq, 194)))
    }
    const floorPhase = median(floor.map((result) => lastJson(result).elapsed))
    for (const [b, build] of builds.entries()) {
      const elapsed = median(results[b].map(elapsedOf))
      const announced = Number(/(\d+) concurrent connections? will be used/.exec(results[b][0].stdout)?.[1])
      const seen = Math.max(...inFlight[b])
      row(
        `2. 194 flags, 0.5 s delay, -m ${maxReq}: download phase, flags / the floor${build.tag}`,
        `${f2(elapsed / floorPhase)}× (${f3(elapsed)} / ${f3(floorPhase)} s)`,
        "≤ 1.2×",
        elapsed / floorPhase <= 1.2
      )
      row(
        `2. -m ${maxReq}: announced / seen in flight by the server${build.tag}`,
        `${announced} / ${seen}`,
        "equal",
        announced === seen
      )
      figures[b][`2. 0.5 s delay, -m ${maxReq}: download phase / the floor`] = elapsed / floorPhase
    }
    await server.stop()
  }
}

// 3. Cold start: one flag, and --help, whole process.
if (only.has("3")) {
  const server = await startServer()
  const one = builds.map(() => [])
  const help = builds.map(() => [])
  const bare = []
  for (let i = 0; i < Math.max(runs, 7); i++) {
    bare.push(await timed(process.execPath, ["-e", "0"]))
    for (const [b, build] of builds.entries()) {
      one[b].push(await flags(build, ["-s", server.url, "--ext", server.extension, "BR"]))
      help[b].push(await timed(process.execPath, [build.bin, "--help"]))
    }
  }
  await server.stop()
  const bareWall = median(bare.map((r) => r.wall))
  row("3. node -e 0", `${f3(bareWall)} s`, "—")
  for (const [b, build] of builds.entries()) {
    const oneWall = median(one[b].map((r) => r.wall))
    const helpWall = median(help[b].map((r) => r.wall))
    row(
      `3. cold start: flags download -s URL BR / node -e 0${build.tag}`,
      `${f2(oneWall / bareWall)}× (${f3(oneWall)} s, ${f2(median(one[b].map((r) => r.rssMiB)))} MiB)`,
      "≤ 1.8×",
      oneWall / bareWall <= 1.8
    )
    row(
      `3. cold start: flags --help / node -e 0${build.tag}`,
      `${f2(helpWall / bareWall)}× (${f3(helpWall)} s)`,
      "≤ 1.8×",
      helpWall / bareWall <= 1.8
    )
    Object.assign(figures[b], {
      "3. flags download -s URL BR / node -e 0": oneWall / bareWall,
      "3. flags --help / node -e 0": helpWall / bareWall
    })
  }
}

// 4. Memory at scale: 100,000 requests at concurrency 200 through the library; then the same with the
// heap limit an app may set (V8's own growth policy, not the library, decides the default peak).
if (only.has("4")) {
  const server = await startServer()
  const scale = (build, nodeFlags) =>
    timed(process.execPath, [
      ...nodeFlags,
      join(build.root, "scripts", "bench", "scale.mjs"),
      server.url,
      "100000",
      "200"
    ])
  const plain = builds.map(() => [])
  const capped = builds.map(() => [])
  // one run of each alone (about a minute); A B A B, BENCH_RUNS times, when comparing
  for (let i = 0; i < (comparing ? runs : 1); i++) {
    for (const [b, build] of builds.entries()) plain[b].push(await scale(build, []))
    for (const [b, build] of builds.entries()) capped[b].push(await scale(build, ["--max-old-space-size=96"]))
  }
  await server.stop()
  for (const [b, build] of builds.entries()) {
    const rss = median(plain[b].map((r) => r.rssMiB))
    const wall = median(plain[b].map((r) => r.wall))
    const reports = plain[b].map(lastJson)
    const drift = median(reports.map((r) => r.lastQuarterRate / r.firstQuarterRate))
    const first = median(reports.map((r) => r.firstQuarterRate))
    const last = median(reports.map((r) => r.lastQuarterRate))
    const cappedRss = median(capped[b].map((r) => r.rssMiB))
    row(
      `4. 100,000 requests -m 200: peak RSS${build.tag}`,
      `${f2(rss)} MiB (${reports[0].total} done in ${f2(wall)} s)`,
      "≤ 150 MiB",
      rss <= 150
    )
    row(
      `4. last-quarter / first-quarter throughput${build.tag}`,
      `${f2(drift)} (${Math.round(first)} → ${Math.round(last)} req/s)`,
      "≥ 0.85",
      drift >= 0.85
    )
    row(
      `4. the same under node --max-old-space-size=96${build.tag}`,
      `${f2(cappedRss)} MiB (${lastJson(capped[b][0]).total} done in ${f2(median(capped[b].map((r) => r.wall)))} s)`,
      "—"
    )
    Object.assign(figures[b], {
      "4. 100,000 requests -m 200: peak RSS (MiB)": rss,
      "4. 100,000 requests -m 200: wall (s)": wall,
      "4. last-quarter / first-quarter throughput": drift,
      "4. peak RSS under --max-old-space-size=96 (MiB)": cappedRss
    })
  }
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

// 11. One 1 GiB file from nginx on the loopback: flags fetch against curl, A B A B; flags' peak RSS.
if (only.has("11")) await hugeFileScenario({ bin, runs, row, f2 })

// which commit a checkout holds, so the table says what A and B were
const commitOf = (root) => {
  try {
    return execFileSync("git", ["-C", root, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim()
  } catch {
    return "no git"
  }
}
// B against A: "within 5 %" means B no more than 5 % worse (an improvement of any size passes)
const comparison = () => {
  const [a, b] = builds
  return [
    `A: ${a.root} (${commitOf(a.root)}), B: ${b.root} (${commitOf(b.root)}), run in A B A B order.`,
    "",
    "| figure | A | B | B / A | within 5 % |",
    "| --- | --- | --- | --- | --- |",
    ...Object.keys(figures[0]).map((name) => {
      const [fa, fb] = figures.map((named) => named[name])
      const change = fb / fa
      const within = higherIsBetter.has(name) ? change >= 0.95 : change <= 1.05
      return `| ${name} | ${f2(fa)} | ${f2(fb)} | ${f3(change)} | ${within ? "yes" : "**no**"} |`
    })
  ]
}
const table = [
  `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench\` (medians of ${runs} runs, Node ${process.version}, ${(await import("node:os")).cpus().length} cores).`,
  "",
  "| scenario | measured | target | holds |",
  "| --- | --- | --- | --- |",
  ...rows.map(
    (r) =>
      `| ${r.scenario} | ${r.measured} | ${r.target} | ${r.holds === undefined ? "" : r.holds ? "yes" : "**no**"} |`
  ),
  ...(comparing ? ["", ...comparison()] : [])
].join("\n")
mkdirSync(".bench", { recursive: true })
writeFileSync(".bench/latest.md", `${table}\n`)
console.log(`\n${table}`)
