/**
 * `flags spin --tasks 3` in a real pseudo-terminal (tmux) at a fixed size, its window narrowed while
 * it runs: the screen tmux shows at the end is the one the screen model predicts for the same run.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import { superviseMany } from "../src/cli/SpinTasks.js"
import * as ScreenTerminal from "../src/testing/ScreenTerminal.js"
import { bin } from "./support/cli.js"
import { withEnvironment } from "./support/environment.js"
import { colorless } from "./support/renderer.js"
import { haveTmux, openTmux, terminalEnv } from "./support/tmux.js"

if (!haveTmux) console.warn("SpinTasks.e2e: tmux is not installed; the pseudo-terminal test is skipped")

const size = { columns: 50, rows: 12, narrowed: 24 }
// tasks of 3, 6 and 9 s: the window is narrowed once the region shows, which must be before the first
// task ends (a line that ended at the old width stays as it was drawn); 3 s is the room for the test to
// see the region and have tmux resize, on a machine as busy as can be
const args = ["spin", "--tasks", "3", "--seconds", "9", "--message", "'thinking hard'"]

// what the screen model predicts: the same run under TestClock, narrowed after the first frame
const predicted = ScreenTerminal.withScreenTerminal({ columns: size.columns, rows: size.rows }, (screen) =>
  Effect.gen(function* () {
    const fiber = yield* Effect.fork(
      superviseMany({ message: "thinking hard", duration: "9 seconds", tasks: 3 }).pipe(
        withEnvironment(colorless)
      )
    )
    yield* TestClock.adjust("100 millis")
    yield* screen.resize(size.narrowed, size.rows)
    yield* TestClock.adjust("9500 millis")
    yield* Fiber.join(fiber)
    return screen.screen.lines()
  })
)

describe("flags spin --tasks 3 in tmux", () => {
  it.effect.skipIf(!haveTmux)(
    "the screen at the end is the screen model's prediction, a resize included",
    () =>
      Effect.gen(function* () {
        const window = yield* Effect.acquireRelease(
          Effect.promise(() =>
            openTmux(`${terminalEnv} ${process.execPath} ${bin} ${args.join(" ")} 2>&1`, {
              columns: size.columns,
              rows: size.rows
            })
          ),
          (window) => Effect.sync(() => window.close())
        )
        yield* Effect.promise(() => window.until((output) => /[|/\\-] thinking hard #3/.test(output)))
        window.resize(size.narrowed, size.rows)
        yield* Effect.promise(() => window.ended)
        const seen = window.screen()
        const expected = yield* predicted
        assert.deepStrictEqual(seen, [...expected], seen.join("\n"))
        assert.strictEqual(
          expected[0],
          "✔ thinking hard #1 (3.…",
          "the final lines cut at the narrower width"
        )
      }).pipe(Effect.scoped)
  )
})
