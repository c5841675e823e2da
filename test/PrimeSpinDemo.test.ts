/**
 * The chapter's lesson under TestClock, where time is Effect's: the spinner sleeps on the TestClock and
 * the test advances it whenever it gets a turn. A check that yields gives it turns, so frames appear
 * before the answer; a check that never yields starves the test and the spinner alike, so none does
 * (a regression that makes `blocking` yield is caught here).
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import { groupDigits, supervisePrime } from "../src/cli/PrimeSpinDemo.js"
import { PrimeFixture, PrimeRunner } from "../src/index.js"
import { frameInterval } from "../src/terminal/Spinner.js"
import { withRecordingTerminal } from "../src/testing/RecordingTerminal.js"

const isFrame = (text: string) => /^\r[|/\\-] /.test(text)

// Runs the demo, advancing the TestClock by a frame whenever this fiber gets a turn; returns the
// writes before the result line, and how many turns this fiber had while the check ran.
const runDemo = (runner: "blocking" | "yielding", n: bigint, yieldEvery?: number) =>
  withRecordingTerminal({ isTTY: true }, (terminal) =>
    Effect.gen(function* () {
      const fiber = yield* Effect.fork(
        supervisePrime({ message: "thinking!", mode: "interrupt", n, runner, yieldEvery })
      )
      let turns = 0
      while (Option.isNone(yield* Fiber.poll(fiber))) {
        yield* TestClock.adjust(frameInterval)
        turns++
      }
      const answer = yield* Fiber.join(fiber)
      const writes = (yield* terminal.writes).map((w) => w.text)
      const result = writes.findIndex((text) => text.startsWith(groupDigits(n)))
      return { answer, turns, before: writes.slice(0, result), output: writes.join("") }
    })
  )

describe("the prime spinner demo", () => {
  const n = PrimeFixture.spinnerNumber

  it.effect("blocking: no frame is drawn before the answer", () =>
    Effect.gen(function* () {
      const { answer, before, output } = yield* runDemo("blocking", n)
      assert.isTrue(answer)
      assert.deepStrictEqual(before.filter(isFrame), [])
      // the spinner never ran at all: not even its hidden cursor
      assert.notInclude(output, "\u001b[?25l")
      assert.match(output, /^spinner object: <Fiber #\d+ running spin>\n5,000,111,000,222,021 is prime\n/)
      assert.match(output, /checked in \d+\.\d{3}s in the main fiber, without yielding\n$/)
    })
  )

  it.effect("yielding: the spinner draws between slices, and the line is cleared before the answer", () =>
    Effect.gen(function* () {
      const { answer, turns, before, output } = yield* runDemo("yielding", n)
      assert.isTrue(answer)
      const frames = before.filter(isFrame)
      assert.isAtLeast(frames.length, 2, `${turns} turns`)
      // the frames cycle |/-\ as the spinner's own clock advances, not all the same first frame
      assert.deepStrictEqual(
        frames.slice(0, 4).map((f) => f[1]),
        ["|", "/", "-", "\\"].slice(0, Math.min(4, frames.length))
      )
      // the spinner cleared its line and restored the cursor before the answer
      assert.include(output, `\r${" ".repeat(11)}\r\u001b[?25h5,000,111,000,222,021 is prime\n`)
      assert.match(
        output,
        /checked in \d+\.\d{3}s in the main fiber, yielding every 50,000 candidates; \d+\.\d{3}s without yielding \([+-]\d+%\)\n$/
      )
    })
  )

  it.effect("the answer is the book's for a composite, with every runner of the main fiber", () =>
    Effect.gen(function* () {
      for (const runner of ["blocking", "yielding"] as const) {
        const { answer, output } = yield* runDemo(runner, 5_000_111_000_222_023n)
        assert.isFalse(answer, runner)
        assert.include(output, "5,000,111,000,222,023 is not prime\n", runner)
      }
    })
  )
})

describe("runners", () => {
  it.effect("yielding answers as blocking does, whatever the slice", () =>
    Effect.gen(function* () {
      for (const every of [1, 2, 7, 1000]) {
        for (const n of [2n, 3n, 9n, 25n, 49n, 97n, 7919n, 7921n, 1_000_003n]) {
          assert.strictEqual(
            yield* PrimeRunner.yielding(n, every),
            yield* PrimeRunner.blocking(n),
            `${n} by ${every}`
          )
        }
      }
    })
  )
})
