/**
 * `flags primes` and `flags spin --work prime` through the real bundled bin (its worker bundled next
 * to it): the book's procs.py format, usage errors, Ctrl-C, and the spinner on a pseudo-terminal.
 */
import { spawn, spawnSync } from "node:child_process"
import { assert, describe, it } from "@effect/vitest"
import { PrimeFixture } from "../src/index.js"
import { bin, type CliResult, runCli } from "./support/cli.js"

// the largest prime below 2^64 (the largest number the CLI takes): 2^31 candidates, 43 times the work of
// 9,999,999,999,999,917 (80 ms, src/Primes.ts): 3.4 CPU-seconds there, 6.5 on this 2-core machine
const huge = "18446744073709551557"
const line = /^ *(\d{1,20}) {2}([P ]) +(\d+\.\d{6})s$/

/**
 * Runs the bin with at most `cpuSeconds` of CPU time (RLIMIT_CPU, every thread counted: the kernel
 * kills it past that) and sends SIGINT once stdout matches `ready`. CPU time is work done, which a
 * busy machine stretches in wall time but not in seconds of CPU: a bin that let its threads finish the
 * checks in hand, or went on to the next number, would spend one check of `huge` more than a bin that
 * stopped, and a limit below that is a limit it cannot meet.
 */
const interruptWhen = (args: ReadonlyArray<string>, ready: (stdout: string) => boolean, cpuSeconds: number) =>
  new Promise<Omit<CliResult, "signalledAt" | "endedAt">>((resolve, reject) => {
    // the shell sets the limit and becomes the bin (exec): same process, same pid to signal
    const child = spawn(
      "sh",
      ["-c", `ulimit -t ${cpuSeconds} && exec "$0" "$@"`, process.execPath, bin, ...args],
      {
        env: { ...process.env, NO_COLOR: "1" },
        stdio: ["ignore", "pipe", "pipe"]
      }
    )
    let stdout = ""
    let stderr = ""
    let sent = false
    child.stdout.on("data", (chunk) => {
      stdout += chunk
      if (!sent && ready(stdout)) {
        sent = true
        child.kill("SIGINT")
      }
    })
    child.stderr.on("data", (chunk) => (stderr += chunk))
    child.on("error", reject)
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }))
  })

/** Why an interrupted run did not exit 130: killed at its CPU limit, or what it said. */
const why = (
  result: { readonly signal: NodeJS.Signals | null; readonly stderr: string },
  cpuSeconds: number
) =>
  result.signal === "SIGKILL" || result.signal === "SIGXCPU"
    ? `killed at its limit of ${cpuSeconds} CPU-seconds: it went on checking after the SIGINT`
    : result.stderr

describe("flags primes", () => {
  it("-w 2: the book's 20 numbers in procs.py's format, each once, with the book's answers", async () => {
    const result = await runCli(["primes", "-w", "2"])
    assert.strictEqual(result.code, 0, result.stderr)
    assert.strictEqual(result.stderr, "")
    const lines = result.stdout.trimEnd().split("\n")
    assert.strictEqual(lines[0], "Checking 20 numbers with 2 worker threads:")
    assert.match(lines.at(-1) ?? "", /^20 checks in \d+\.\d\ds$/)
    const answers = new Map<bigint, boolean>()
    for (const text of lines.slice(1, -1)) {
      const match = line.exec(text)
      assert.isNotNull(match, text)
      if (match) {
        assert.isFalse(answers.has(BigInt(match[1] ?? "")), `${match[1]} twice`)
        answers.set(BigInt(match[1] ?? ""), match[2] === "P")
      }
    }
    assert.deepStrictEqual(
      [...answers].sort(([a], [b]) => (a < b ? -1 : 1)),
      PrimeFixture.fixture.map(({ n, prime }) => [n, prime] as const)
    )
    // procs.py's columns: the number right-aligned in 16, the label, the seconds in 9
    assert.match(result.stdout, /^9999999999999917 {2}P {2}\d\.\d{6}s$/m)
    assert.match(result.stdout, /^ {15}2 {2}P {2}\d\.\d{6}s$/m)
  })

  it("-w 1: in the main fiber, in the given order; numbers as the book writes them", async () => {
    const result = await runCli(["primes", "-w", "1", "7919", "1_000_003", "7,921", "0"])
    assert.strictEqual(result.code, 0, result.stderr)
    const lines = result.stdout.trimEnd().split("\n")
    assert.strictEqual(lines[0], "Checking 4 numbers in the main fiber:")
    assert.deepStrictEqual(
      lines.slice(1, -1).map((text) => line.exec(text)?.slice(1, 3)),
      [
        ["7919", "P"],
        ["1000003", "P"],
        ["7921", " "],
        ["0", " "]
      ]
    )
    assert.match(lines.at(-1) ?? "", /^4 checks in \d+\.\d\ds$/)
  })

  it("a bad number is a usage error: one message and the usage on stderr, exit 2, nothing checked", async () => {
    // every other bad argv: test/PrimesArgs.test.ts, in-process
    const result = await runCli(["primes", "-w", "2", "7919", "3.5"])
    assert.strictEqual(result.code, 2, result.stderr)
    assert.strictEqual(result.stdout, "")
    assert.match(result.stderr, /^NUMBER must be a whole number ≥ 0 .*, got "3\.5"\n/)
    assert.match(result.stderr, /Usage: flags primes/)
    assert.notInclude(result.stderr, "    at ")
  })

  it("Ctrl-C: exit 130 promptly, with the lines of the numbers checked so far", async () => {
    // four threads each in a check of `huge` when the signal comes: 4 × 3.4 CPU-seconds at least to
    // finish them, where starting the bin and its threads takes 1 to 2
    const result = await interruptWhen(
      ["primes", "-w", "4", "7919", "1000003", huge, huge, huge, huge],
      (stdout) => /7919 {2}P/.test(stdout) && /1000003 {2}P/.test(stdout),
      6
    )
    assert.strictEqual(result.code, 130, why(result, 6))
    assert.match(result.stdout, /^ +7919 {2}P +\d\.\d{6}s$/m)
    assert.match(result.stdout, /^ +1000003 {2}P +\d\.\d{6}s$/m)
    assert.notInclude(result.stdout, huge)
    assert.notInclude(result.stdout, "checks in")
    assert.notInclude(result.stderr, "    at ")
  })

  it("Ctrl-C with -w 1: the main fiber sees it when the number in hand is done, then exits 130", async () => {
    // the signal comes during 10^17 + 3 (1.6·10^8 candidates, a thirteenth of `huge`'s), which ends;
    // the check of `huge` after it is never begun
    const result = await interruptWhen(
      ["primes", "-w", "1", "7919", "100000000000000003", huge],
      (stdout) => /7919 {2}P/.test(stdout),
      3
    )
    assert.strictEqual(result.code, 130, why(result, 3))
    assert.notInclude(result.stdout, huge)
    assert.notInclude(result.stdout, "checks in")
  })
})

describe("flags spin --work prime", () => {
  it("each runner prints the book's result line and the check's time; worker and the book's number by default", async () => {
    for (const [args, result, where] of [
      [
        ["--runner", "blocking", "--number", "1_000_000_007"],
        "1,000,000,007 is prime",
        /^checked in \d+\.\d{3}s in the main fiber, without yielding$/m
      ],
      [
        ["--runner", "yielding", "--number", "1_000_000_007", "--yield-every", "1000"],
        "1,000,000,007 is prime",
        /^checked in \d+\.\d{3}s in the main fiber, yielding every 1,000 candidates; \d+\.\d{3}s without yielding \([+-]\d+%\)$/m
      ],
      [[], "5,000,111,000,222,021 is prime", /^checked in \d+\.\d{3}s in a worker thread$/m]
    ] as const) {
      const label = args.join(" ")
      const run = await runCli(["spin", "--work", "prime", ...args])
      assert.strictEqual(run.code, 0, `${label}: ${run.stderr}`)
      assert.match(run.stdout, /^spinner object: <Fiber #\d+ running spin>$/m, label)
      assert.include(run.stdout, `\n${result}\n`, label)
      assert.match(run.stdout, where, label)
      // not a terminal: the spinner writes its message once, if it ever runs (blocking: it never does)
      assert.strictEqual(run.stdout.includes("thinking!"), args[1] !== "blocking", label)
    }
  })

  it("options of the other work are a usage error, exit 2", async () => {
    const result = await runCli(["spin", "--work", "prime", "--seconds", "2"])
    assert.strictEqual(result.code, 2, result.stderr)
    assert.match(result.stderr, /^--seconds: only with --work sleep\n/)
    assert.match(result.stderr, /Usage: flags spin/)
    assert.strictEqual(result.stdout, "")
  })

  it("Ctrl-C during a worker's check: exit 130 promptly, no answer", async () => {
    // the worker is terminated in its check of `huge`: finishing it would cost 3.4 CPU-seconds at least
    const result = await interruptWhen(
      ["spin", "--work", "prime", "--number", huge],
      (stdout) => stdout.includes("thinking!"),
      3
    )
    assert.strictEqual(result.code, 130, why(result, 3))
    assert.notInclude(result.stdout, "is prime")
  })

  const haveScript = spawnSync("script", ["--version"]).status === 0
  it.skipIf(!haveScript)(
    "on a terminal: blocking draws no frame, worker and yielding animate (needs `script`)",
    async () => {
      const frames = (runner: string) =>
        new Promise<number>((resolve, reject) => {
          const command = `${process.execPath} ${bin} spin --work prime --runner ${runner} --number 100000000000000003`
          const child = spawn("script", ["-qfec", command, "/dev/null"], {
            stdio: ["ignore", "pipe", "inherit"]
          })
          let output = ""
          child.stdout.on("data", (chunk) => (output += chunk))
          child.on("error", reject)
          child.on("close", () => {
            const answer = output.indexOf("100,000,000,000,000,003 is prime")
            assert.isAbove(answer, 0, output)
            resolve([...output.slice(0, answer).matchAll(/\r[|/\\-] thinking!/g)].length)
          })
        })
      assert.strictEqual(await frames("blocking"), 0)
      // a check of ~10^8 candidates lasts several frames (100 ms each) on any machine this runs on
      assert.isAtLeast(await frames("worker"), 2)
      assert.isAtLeast(await frames("yielding"), 2)
    }
  )
})
