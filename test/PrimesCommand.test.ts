/**
 * The `flags primes` run in-process, on real worker threads (bundled from the sources) and a
 * recording terminal: one queue shared by N threads, and failing checks as lines of the report.
 */
import * as Terminal from "@effect/platform/Terminal"
import { assert, describe, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import { runPrimes } from "../src/cli/PrimesCommand.js"
import { PrimePool } from "../src/index.js"
import * as RecordingTerminal from "../src/testing/RecordingTerminal.js"
import { poolLayer, Threads } from "./support/workers.js"

const broken = new URL("./fixtures/BrokenPrimeWorker.ts", import.meta.url)

// the pool of `poolLayer`, recording which thread answered each check
const recordingPool = (size: number, threads: Threads, answeredBy: Array<number>) =>
  Layer.map(poolLayer(size, { threads }), (context) => {
    const pool = Context.get(context, PrimePool.PrimePool)
    return Context.add(context, PrimePool.PrimePool, {
      ...pool,
      check: (n) =>
        Effect.tap(pool.check(n), (result) => Effect.sync(() => void answeredBy.push(result.thread)))
    })
  })

describe("runPrimes", () => {
  it.live("-w 3 with 20 numbers: each number checked exactly once, by three threads", () =>
    Effect.gen(function* () {
      // 20 numbers around 10^12: a few hundred thousand candidates each
      const numbers = Array.from({ length: 20 }, (_, i) => 1_000_000_000_000n + BigInt(2 * i + 1))
      const threads = new Threads()
      const answeredBy: Array<number> = []
      const { terminal, recording } = yield* RecordingTerminal.make({ isTTY: false })
      yield* runPrimes({
        numbers,
        workers: 3,
        pool: (size) => recordingPool(size, threads, answeredBy)
      }).pipe(Effect.provide(Layer.succeed(Terminal.Terminal, terminal)))
      const lines = (yield* recording.output).trimEnd().split("\n")
      assert.strictEqual(lines[0], "Checking 20 numbers with 3 worker threads:")
      assert.match(lines.at(-1) ?? "", /^20 checks in \d+\.\d\ds$/)
      const checked = lines.slice(1, -1).map((line) => BigInt(line.trim().split(/\s+/)[0] ?? ""))
      assert.deepStrictEqual(
        [...checked].sort((a, b) => (a < b ? -1 : 1)),
        numbers,
        "every number once, none twice"
      )
      assert.strictEqual(threads.started.length, 3)
      // and the threads shared the queue: each answered some
      assert.strictEqual(answeredBy.length, 20)
      assert.strictEqual(new Set(answeredBy).size, 3)
    })
  )

  it.live("flags primes: a failing check is a line of the report, the run goes on and fails at the end", () =>
    Effect.gen(function* () {
      const { terminal, recording } = yield* RecordingTerminal.make({ isTTY: false })
      const exit = yield* runPrimes({
        numbers: [7919n, 13n, 7921n],
        workers: 2,
        pool: (size) => poolLayer(size, { entry: broken })
      }).pipe(Effect.provide(Layer.succeed(Terminal.Terminal, terminal)), Effect.exit)
      const output = yield* recording.output
      assert.match(output, /^ {12}7919 {2}P +\d\.\d{6}s$/m)
      assert.match(output, /^ {14}13 {2}! the worker died: Error: boom$/m)
      assert.match(output, /^ {12}7921 +\d\.\d{6}s$/m)
      assert.match(output, /^2 checks in \d+\.\d\ds, 1 failed\n$/m)
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) assert.include(String(exit.cause), "PrimeChecksFailed")
    })
  )
})
