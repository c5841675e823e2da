import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import * as Progress from "../src/terminal/Progress.js"
import * as Renderer from "../src/terminal/Renderer.js"
import * as ScreenTerminal from "../src/testing/ScreenTerminal.js"
import { terminalUser, withEnvironment } from "./support/environment.js"

// `count` completions, one every `everyMs`, on bars drawn on the ProgressTerminal
const run = (options: { isTTY: boolean; count: number; everyMs: number; bars?: number }) =>
  Effect.gen(function* () {
    const screen = yield* ScreenTerminal.make({ isTTY: options.isTTY, columns: 80, rows: 10 })
    const bar = Effect.scoped(
      Effect.gen(function* () {
        const progress = yield* Progress.make(options.count)
        for (let i = 0; i < options.count; i++) {
          yield* progress.advance
          yield* Effect.sleep(options.everyMs)
        }
      })
    )
    const fiber = yield* Effect.fork(
      Effect.all(
        Array.from({ length: options.bars ?? 1 }, () => bar),
        { concurrency: "unbounded" }
      ).pipe(
        Effect.provideService(Progress.ProgressTerminal, screen.terminal),
        withEnvironment({ ...terminalUser, NO_COLOR: "1" })
      )
    )
    yield* TestClock.adjust(options.count * options.everyMs + 1000)
    yield* Fiber.join(fiber)
    return screen
  })

describe("Progress", () => {
  it.effect("on a terminal: redrawn in place at most 10 times a second; the final line stays", () =>
    Effect.gen(function* () {
      const screen = yield* run({ isTTY: true, count: 100, everyMs: 20 })
      const writes = yield* screen.writes
      assert.isAtMost(writes.length, 1 + 2 * 10 + 1, "a hide, ≤ 10 redraws a second, a last write")
      for (let i = 2; i < writes.length; i++) {
        assert.isAtLeast((writes[i]?.at ?? 0) - (writes[i - 1]?.at ?? 0), 100)
      }
      assert.deepStrictEqual(screen.screen.transcript(), [
        `✔ 100%|${"█".repeat(25)}| 100/100 [00:02, 50.00it/s]`
      ])
      assert.deepStrictEqual(screen.screen.cursor, { x: 0, y: 1 }, "on the next line")
      assert.isTrue(screen.screen.cursorVisible)
    })
  )

  it.effect("elsewhere: a plain line every 3 s, the final line, never a carriage return", () =>
    Effect.gen(function* () {
      const screen = yield* run({ isTTY: false, count: 100, everyMs: 70 })
      assert.deepStrictEqual((yield* screen.output).split("\n"), [
        // the first completion is seen at 0 s, 42 more by 3 s: 14.00 a second; 57 to go: 4.07 s,
        // shown as tqdm shows it (whole seconds, floored)
        "43% 43/100 [00:03<00:04, 14.00it/s]",
        "86% 86/100 [00:06<00:00, 14.18it/s]",
        "✔ 100% 100/100 [00:07, 14.29it/s]",
        ""
      ])
    })
  )

  it.effect("two bars at once on one terminal: two lines of one region", () =>
    Effect.gen(function* () {
      const screen = yield* run({ isTTY: true, count: 20, everyMs: 100, bars: 2 })
      assert.deepStrictEqual(screen.screen.transcript(), [
        `✔ 100%|${"█".repeat(25)}| 20/20 [00:02, 10.00it/s]`,
        `✔ 100%|${"█".repeat(25)}| 20/20 [00:02, 10.00it/s]`
      ])
      const hides = (yield* screen.writes).filter((write) => write.text === "\u001b[?25l")
      assert.strictEqual(hides.length, 1)
    })
  )

  it.effect("a Renderer in the context draws the bar (Progress.layer puts one on the ProgressTerminal)", () =>
    Effect.gen(function* () {
      const screen = yield* ScreenTerminal.make({ isTTY: false })
      const other = yield* ScreenTerminal.make({ isTTY: false })
      yield* Effect.scoped(
        Effect.gen(function* () {
          const bar = yield* Progress.make(3, { label: "flags" })
          yield* Effect.repeatN(bar.advance, 2)
          yield* Renderer.log("above")
        })
      ).pipe(
        Effect.provide(Progress.layer({ mode: "plain" })),
        Effect.provideService(Progress.ProgressTerminal, screen.terminal),
        // what a bar finds first is the Renderer, not the ProgressTerminal it would otherwise use
        Effect.provideService(Progress.ProgressTerminal, other.terminal),
        withEnvironment()
      )
      assert.deepStrictEqual((yield* screen.output).split("\n"), [
        "above",
        "✔ flags 100% 3/3 [00:00, ?it/s]",
        ""
      ])
      assert.strictEqual(yield* other.output, "")
    })
  )
})
