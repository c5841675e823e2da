import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import { type StopMode, supervise } from "../src/cli/SpinDemo.js"
import { withRecordingTerminal } from "../src/testing/RecordingTerminal.js"

const frameTimes = (writes: ReadonlyArray<{ at: number; text: string }>) =>
  writes.filter((w) => /^\r[|/\\-] /.test(w.text)).map((w) => w.at)

const modes: ReadonlyArray<StopMode> = ["interrupt", "signal"]

describe("supervise", () => {
  for (const mode of modes) {
    it.effect(`${mode}: 3 s shows 30 frames (t = 0.0 … 2.9 s), clears the line, answers 42`, () =>
      withRecordingTerminal({ isTTY: true }, (terminal) =>
        Effect.gen(function* () {
          const fiber = yield* Effect.fork(
            supervise({ message: "thinking!", duration: Duration.seconds(3), mode })
          )
          yield* TestClock.adjust("2999 millis")
          assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)), "finished early")
          // the tie at t = 3.0 s: the slow function's answer and the 31st frame are due together
          yield* TestClock.adjust("1 millis")
          // adjust returns once every fiber of the test is done or suspended: a demo waiting on real
          // time (a timer, not Effect's clock) would still be waiting here
          assert.isTrue(Option.isSome(yield* Fiber.poll(fiber)), "done on the TestClock alone")
          assert.strictEqual(yield* Fiber.join(fiber), 42)

          const writes = yield* terminal.writes
          assert.deepStrictEqual(
            frameTimes(writes),
            Array.from({ length: 30 }, (_, i) => i * 100)
          )
          const output = yield* terminal.output
          assert.match(output, /^spinner object: <Fiber #\d+ running spin>\n/)
          assert.isTrue(output.endsWith(`\r${" ".repeat(11)}\r\u001b[?25hAnswer: 42\n`))
        })
      )
    )
  }

  it.effect("prints the message once and no frames when not on a terminal", () =>
    withRecordingTerminal({ isTTY: false }, (terminal) =>
      Effect.gen(function* () {
        const fiber = yield* Effect.fork(
          supervise({ message: "busy", duration: "2 seconds", mode: "interrupt" })
        )
        yield* TestClock.adjust("2 seconds")
        yield* Fiber.join(fiber)
        const output = yield* terminal.output
        assert.match(output, /^spinner object: .*\nbusy\nAnswer: 42\n$/)
      })
    )
  )

  it.effect("a run shorter than one frame shows one frame", () =>
    withRecordingTerminal({ isTTY: true }, (terminal) =>
      Effect.gen(function* () {
        const fiber = yield* Effect.fork(supervise({ message: "m", duration: "50 millis", mode: "signal" }))
        yield* TestClock.adjust("50 millis")
        assert.strictEqual(yield* Fiber.join(fiber), 42)
        assert.deepStrictEqual(frameTimes(yield* terminal.writes), [0])
      })
    )
  )
})
