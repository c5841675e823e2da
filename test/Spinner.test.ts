import { assert, describe, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import { spin, spinUntil, withSpinner } from "../src/terminal/Spinner.js"
import { withRecordingTerminal } from "../src/testing/RecordingTerminal.js"

const hideCursor = "\u001b[?25l"
const showCursor = "\u001b[?25h"
const frameOf = (text: string) => /^\r([|/\\-]) /.exec(text)?.[1]

describe("spin", () => {
  it.effect("writes a frame every 100 ms: 11 frames after one second", () =>
    withRecordingTerminal({ isTTY: true }, (terminal) =>
      Effect.gen(function* () {
        const fiber = yield* Effect.fork(spin("thinking!"))
        yield* TestClock.adjust("1 second")
        const writes = yield* terminal.writes
        const frames = writes.flatMap((w) => frameOf(w.text) ?? [])
        assert.deepStrictEqual(frames, ["|", "/", "-", "\\", "|", "/", "-", "\\", "|", "/", "-"])
        assert.deepStrictEqual(
          writes.filter((w) => frameOf(w.text)).map((w) => w.at),
          [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]
        )
        assert.strictEqual(writes[0]?.text, hideCursor)
        assert.strictEqual(writes[1]?.text, "\r| thinking!")
        yield* Fiber.interrupt(fiber)
      })
    )
  )

  it.effect("clears its line and restores the cursor when interrupted", () =>
    withRecordingTerminal({ isTTY: true }, (terminal) =>
      Effect.gen(function* () {
        const fiber = yield* Effect.fork(spin("thinking!"))
        yield* TestClock.adjust("250 millis")
        const exit = yield* Fiber.interrupt(fiber)
        assert.isTrue(Exit.isInterrupted(exit))
        const writes = yield* terminal.writes
        assert.strictEqual(writes.at(-1)?.text, `\r${" ".repeat("| thinking!".length)}\r${showCursor}`)
        const before = writes.length
        yield* TestClock.adjust("1 second")
        assert.strictEqual((yield* terminal.writes).length, before, "no frame after interruption")
      })
    )
  )

  it.effect("does not animate when the output is not a terminal", () =>
    withRecordingTerminal({ isTTY: false }, (terminal) =>
      Effect.gen(function* () {
        const fiber = yield* Effect.fork(spin("thinking!"))
        yield* TestClock.adjust("3 seconds")
        assert.strictEqual(yield* terminal.output, "thinking!")
        yield* Fiber.interrupt(fiber)
        assert.strictEqual(yield* terminal.output, "thinking!\n")
      })
    )
  )
})

describe("spinUntil", () => {
  it.effect("returns and clears its line once the signal is set", () =>
    withRecordingTerminal({ isTTY: true }, (terminal) =>
      Effect.gen(function* () {
        const done = yield* Deferred.make<void>()
        const fiber = yield* Effect.fork(spinUntil("working", done))
        yield* TestClock.adjust("450 millis")
        yield* Deferred.succeed(done, undefined)
        const exit = yield* Fiber.await(fiber)
        assert.isTrue(Exit.isSuccess(exit))
        const writes = yield* terminal.writes
        assert.strictEqual(writes.filter((w) => frameOf(w.text)).length, 5)
        assert.strictEqual(writes.at(-1)?.text, `\r${" ".repeat("| working".length)}\r${showCursor}`)
      })
    )
  )
})

class Boom extends Error {
  readonly _tag = "Boom"
}

describe("withSpinner", () => {
  it.effect("returns the effect's value and stops the spinner", () =>
    withRecordingTerminal({ isTTY: true }, (terminal) =>
      Effect.gen(function* () {
        const fiber = yield* Effect.fork(Effect.as(Effect.sleep("1 second"), 42).pipe(withSpinner("wait")))
        yield* TestClock.adjust("1 second")
        assert.strictEqual(yield* Fiber.join(fiber), 42)
        const writes = yield* terminal.writes
        assert.include(writes.at(-1)?.text ?? "", showCursor)
        const before = writes.length
        yield* TestClock.adjust("1 second")
        assert.strictEqual((yield* terminal.writes).length, before, "the spinner outlived the effect")
      })
    )
  )

  it.effect("passes a typed failure through unchanged (data-first form)", () =>
    withRecordingTerminal({ isTTY: true }, (terminal) =>
      Effect.gen(function* () {
        const boom = new Boom("no")
        const fiber = yield* Effect.fork(
          withSpinner(Effect.zipRight(Effect.sleep("300 millis"), Effect.fail(boom)), "x")
        )
        yield* TestClock.adjust("300 millis")
        const exit = yield* Fiber.await(fiber)
        assert.deepStrictEqual(exit, Exit.fail(boom))
        const before = (yield* terminal.writes).length
        yield* TestClock.adjust("1 second")
        assert.strictEqual((yield* terminal.writes).length, before)
      })
    )
  )

  it.effect("stops the spinner when the effect is interrupted", () =>
    withRecordingTerminal({ isTTY: true }, (terminal) =>
      Effect.gen(function* () {
        const fiber = yield* Effect.fork(withSpinner(Effect.never, "forever"))
        yield* TestClock.adjust("200 millis")
        yield* Fiber.interrupt(fiber)
        const writes = yield* terminal.writes
        assert.include(writes.at(-1)?.text ?? "", showCursor)
        yield* TestClock.adjust("1 second")
        assert.strictEqual((yield* terminal.writes).length, writes.length)
      })
    )
  )
})
