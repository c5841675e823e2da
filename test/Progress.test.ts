import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import * as Progress from "../src/Progress.js"
import * as RecordingTerminal from "../src/testing/RecordingTerminal.js"

const run = (isTTY: boolean) =>
  Effect.gen(function* () {
    const { terminal, recording } = yield* RecordingTerminal.make({ isTTY })
    const fiber = yield* Effect.fork(
      Effect.scoped(
        Effect.gen(function* () {
          const bar = yield* Progress.make(200)
          // 200 completions spread over 2 s: one every 10 ms
          for (let i = 0; i < 200; i++) {
            yield* bar.advance
            yield* Effect.sleep("10 millis")
          }
        })
      ).pipe(Effect.provideService(Progress.ProgressTerminal, terminal))
    )
    yield* TestClock.adjust("3 seconds")
    yield* Fiber.join(fiber)
    return yield* recording.writes
  })

describe("Progress", () => {
  it.effect("on a terminal: redrawn in place at most 10 times a second, a newline at the end", () =>
    Effect.gen(function* () {
      const writes = yield* run(true)
      assert.isAtMost(writes.length, 2 + 2 * 10 + 1)
      assert.isTrue(writes.every((w) => w.text.startsWith("\r")))
      for (let i = 1; i < writes.length - 1; i++) {
        assert.isAtLeast((writes[i + 1]?.at ?? 0) - (writes[i]?.at ?? 0), 100)
      }
      assert.match(writes.at(-1)?.text ?? "", /^\r100%\|.*\| 200\/200 \[00:02<00:00, .*it\/s\]\n$/)
    })
  )

  it.effect("elsewhere: plain lines once a second, never a carriage return", () =>
    Effect.gen(function* () {
      const writes = yield* run(false)
      assert.isAtMost(writes.length, 4)
      assert.isTrue(writes.every((w) => !w.text.includes("\r") && w.text.endsWith("\n")))
      assert.include(writes.at(-1)?.text ?? "", "200/200")
    })
  )
})
