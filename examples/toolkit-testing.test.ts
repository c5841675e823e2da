/**
 * Testing your app's progress output: three tasks and a log line on a renderer over a screen model,
 * under TestClock, asserting what a person would see at chosen instants.
 * Run: `npm run example -- toolkit-testing` (also part of `npm test`).
 */
import * as Terminal from "@effect/platform/Terminal"
import { assert, describe, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import { Renderer, useTask } from "effect-flags"
import { ScreenTerminal } from "effect-flags/testing"

// your code: a task that completes one item every `everyMs`, from 30 ms in (off the renderer's
// 100 ms beat: what happens at the very instant of a redraw may land on either side of it)
const work = (label: string, total: number, everyMs: number) =>
  useTask(label, { total }, (task) =>
    Effect.zipRight(
      Effect.sleep(30),
      Effect.repeatN(Effect.zipLeft(task.advance, Effect.sleep(everyMs)), total - 1)
    )
  )

const program = Effect.all(
  [
    work("alpha", 10, 100),
    work("beta", 20, 50),
    work("gamma", 4, 400),
    Effect.zipRight(Effect.sleep(250), Renderer.log("half a second to go"))
  ],
  { concurrency: "unbounded" }
)

// the environment the renderer reads (so the test does not depend on the shell running it)
const aTerminalUser = ConfigProvider.fromMap(
  new Map([
    ["TERM", "xterm-256color"],
    ["LANG", "en_US.UTF-8"],
    ["NO_COLOR", "1"]
  ])
)

describe("three tasks on a screen", () => {
  it.effect("bars, rates and ETAs, a log line above them, the final lines at the end", () =>
    Effect.gen(function* () {
      const screen = yield* ScreenTerminal.make({ columns: 72, rows: 8 })
      const fiber = yield* Effect.fork(
        program.pipe(
          Effect.provide(Renderer.layer()),
          Effect.provideService(Terminal.Terminal, screen.terminal),
          Effect.withConfigProvider(aTerminalUser)
        )
      )
      yield* TestClock.adjust("550 millis")
      assert.deepStrictEqual(screen.screen.lines().slice(0, 4), [
        "half a second to go",
        `/ alpha  50%|${"█".repeat(12)}            | 5/10 [00:00<00:00, 10.00it/s]`,
        `/ beta   50%|${"█".repeat(12)}            | 10/20 [00:00<00:00, 20.00it/s]`,
        `/ gamma  50%|${"█".repeat(12)}▌            | 2/4 [00:00<00:00, 3.98it/s]`
      ])
      yield* TestClock.adjust("2 seconds")
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(screen.screen.transcript(), [
        "half a second to go",
        `✔ alpha 100%|${"█".repeat(24)}| 10/10 [00:01, 9.71it/s]`,
        `✔ beta  100%|${"█".repeat(24)}| 20/20 [00:01, 19.42it/s]`,
        `✔ gamma 100%|${"█".repeat(25)}| 4/4 [00:01, 2.45it/s]`
      ])
      assert.isTrue(screen.screen.cursorVisible)
    })
  )
})
