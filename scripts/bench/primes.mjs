// Scenario 7 of `npm run bench`: CPU-bound work (issue 16). `flags primes -w 2` against `-w 1` on the
// book's 20 numbers (A B A B), against the book's own procs.py where python3 and a checkout of the
// book's code are available (BENCH_BOOK_CODE: the checkout, or its 19-concurrency/primes folder), and
// the spinner beside a worker's check: its frame interval on a pseudo-terminal (`script`) and the
// check's time with and without the spinner.
import { spawn, spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { join } from "node:path"
import { median, timed } from "./harness.mjs"

/** A prime the worker checks in a couple of seconds (5·10^8 candidates): frames enough to measure. */
const spinnerBenchNumber = "1_000_000_000_000_000_003"

const checksIn = (stdout) => Number(/(\d+) checks in ([\d.]+)s/.exec(stdout)?.[2] ?? Number.NaN)
const checkedIn = (stdout) => Number(/checked in ([\d.]+)s/.exec(stdout)?.[1] ?? Number.NaN)

/** Runs `command` on a pseudo-terminal; resolves with its output and when each spinner frame arrived (ms). */
const onTerminal = (command) =>
  new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    const child = spawn("script", ["-qfec", command, "/dev/null"], { stdio: ["ignore", "pipe", "inherit"] })
    const frames = []
    let output = ""
    child.stdout.on("data", (chunk) => {
      const at = Number(process.hrtime.bigint() - started) / 1e6
      const text = chunk.toString()
      output += text
      for (const _ of text.matchAll(/\r[|/\\-] /g)) frames.push(at)
    })
    child.on("error", reject)
    child.on("close", () => resolve({ output, frames }))
  })

const bookPrimes = () => {
  const root = process.env.BENCH_BOOK_CODE
  if (root === undefined) return undefined
  return [join(root, "19-concurrency", "primes"), root].find((dir) => existsSync(join(dir, "procs.py")))
}

export const primesScenario = async ({ bin, runs, row, f2, f3 }) => {
  const primes = (workers, numbers = []) =>
    timed(process.execPath, [bin, "primes", "-w", String(workers), ...numbers])
  const one = []
  const two = []
  for (let i = 0; i < runs; i++) {
    one.push(await primes(1))
    two.push(await primes(2))
  }
  const oneCheck = median(one.map((r) => checksIn(r.stdout)))
  const twoCheck = median(two.map((r) => checksIn(r.stdout)))
  const oneWall = median(one.map((r) => r.wall))
  const twoWall = median(two.map((r) => r.wall))
  row("7. flags primes -w 1 (the book's 20): checks in / wall", `${f3(oneCheck)} s / ${f3(oneWall)} s`, "—")
  row("7. flags primes -w 2: checks in / wall", `${f3(twoCheck)} s / ${f3(twoWall)} s`, "—")
  row(
    "7. -w 2 vs -w 1: speed-up of the checks (procs.py's own total)",
    `${f2(oneCheck / twoCheck)}× (whole process: ${f2(oneWall / twoWall)}×)`,
    "≥ 1.7×",
    oneCheck / twoCheck >= 1.7
  )
  // what two workers pulling from the queue in the book's order could do at best with -w 1's own
  // per-number times (no start-up, no contention): the longest check comes 19th
  const times = one.map((r) =>
    [...r.stdout.matchAll(/^ *\d+ {2}[P ] +([\d.]+)s$/gm)].map((m) => Number(m[1]))
  )
  const bound = median(
    times.map((checks) => {
      const free = [0, 0]
      for (const t of checks) free[free[0] <= free[1] ? 0 : 1] += t
      return checks.reduce((a, b) => a + b, 0) / Math.max(...free)
    })
  )
  const startup = []
  for (let i = 0; i < runs; i++) startup.push(checksIn((await primes(2, ["2", "3"])).stdout))
  row(
    "7. -w 2: the queue's best with -w 1's times / starting two threads",
    `${f2(bound)}× / ${f3(median(startup))} s`,
    "—"
  )

  const book = bookPrimes()
  const python = spawnSync("python3", ["--version"]).status === 0
  if (book !== undefined && python) {
    const procs = []
    for (let i = 0; i < runs; i++) procs.push(await timed("python3", ["procs.py", "2"], { cwd: book }))
    const procsCheck = median(procs.map((r) => checksIn(r.stdout)))
    row(
      "7. the book's procs.py 2 / flags primes -w 2 (checks in)",
      `${f3(procsCheck)} s / ${f3(twoCheck)} s: ${f2(procsCheck / twoCheck)}×`,
      "> 1× (flags faster)",
      procsCheck > twoCheck
    )
  } else {
    row(
      "7. the book's procs.py 2 / flags primes -w 2",
      `skipped: needs python3 and BENCH_BOOK_CODE=<a checkout of fluentpython/example-code-2e>${python ? "" : " (python3 missing)"}`,
      "> 1×"
    )
  }

  if (spawnSync("script", ["--version"]).status !== 0) {
    row(
      "7. spinner frame interval beside a worker's check",
      "skipped: `script` (util-linux) is not installed",
      "100 ± 20 ms"
    )
    return
  }
  const spinArgs = (runner, number) => [
    bin,
    "spin",
    "--work=prime",
    `--runner=${runner}`,
    `--number=${number}`
  ]
  const onPty = (args) => onTerminal([process.execPath, ...args].join(" "))
  const intervals = []
  const withSpinner = []
  const without = []
  for (let i = 0; i < Math.min(runs, 3); i++) {
    const { output, frames } = await onPty(spinArgs("worker", spinnerBenchNumber))
    withSpinner.push(checkedIn(output))
    for (let k = 1; k < frames.length; k++) intervals.push(frames[k] - frames[k - 1])
    // stdout not a terminal: the spinner writes its message once, no frames
    without.push(checkedIn((await timed(process.execPath, spinArgs("worker", spinnerBenchNumber))).stdout))
  }
  const sorted = [...intervals].sort((a, b) => a - b)
  const within = intervals.filter((ms) => ms >= 80 && ms <= 120).length
  row(
    `7. spinner frame interval, worker checking ${spinnerBenchNumber} (pty)`,
    `median ${f3(median(intervals))} ms, ${sorted.length ? `${f3(sorted[0])}–${f3(sorted.at(-1))} ms` : "no frames"}; ${within}/${intervals.length} within 80–120 ms`,
    "100 ± 20 ms",
    intervals.length > 0 && within === intervals.length
  )
  const slower = median(withSpinner) / median(without)
  row(
    "7. the worker's check with the spinner / without (checked in)",
    `${f3(median(withSpinner))} s / ${f3(median(without))} s: ${f2(slower)}×`,
    "≤ 1.10×",
    slower <= 1.1
  )
  // the yielding runner on a terminal: its own report of the check with naps and without
  const yielding = await onPty(spinArgs("yielding", "100_000_000_000_000_003"))
  const cost = /checked in ([\d.]+)s .*; ([\d.]+)s without yielding \(([+-]\d+)%\)/.exec(yielding.output)
  row(
    "7. yielding every 50,000 candidates, on a pty: the check with naps / without",
    cost ? `${cost[1]} s / ${cost[2]} s (${cost[3]} %), ${yielding.frames.length} frames` : "no report",
    "—"
  )
}
