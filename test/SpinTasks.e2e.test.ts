/**
 * `flags spin --tasks 3` in a real pseudo-terminal (tmux) at a fixed size, its window narrowed while
 * it runs: the screen tmux shows at the end is the one the screen model predicts for the same run.
 */
import { spawnSync } from "node:child_process"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import { superviseMany } from "../src/SpinTasks.js"
import * as ScreenTerminal from "../src/testing/ScreenTerminal.js"
import { bin } from "./support/cli.js"
import { withEnvironment } from "./support/environment.js"
import { colorless } from "./support/renderer.js"

const haveTmux = spawnSync("tmux", ["-V"]).status === 0
if (!haveTmux) console.warn("SpinTasks.e2e: tmux is not installed; the pseudo-terminal test is skipped")

const size = { columns: 50, rows: 12, narrowed: 24 }
const args = ["spin", "--tasks", "3", "--seconds", "3", "--message", "'thinking hard'"]

// a tmux server of our own (no user config), one session running the bin
const tmux = (socket: string, ...command: ReadonlyArray<string>) =>
  spawnSync("tmux", ["-L", socket, "-f", "/dev/null", ...command], { encoding: "utf8" })

const sleep = (ms: number) => Effect.promise(() => new Promise((resolve) => setTimeout(resolve, ms)))

// what the screen model predicts: the same run under TestClock, narrowed after the first frame
const predicted = ScreenTerminal.withScreenTerminal({ columns: size.columns, rows: size.rows }, (screen) =>
  Effect.gen(function* () {
    const fiber = yield* Effect.fork(
      superviseMany({ message: "thinking hard", duration: "3 seconds", tasks: 3 }).pipe(
        withEnvironment(colorless)
      )
    )
    yield* TestClock.adjust("100 millis")
    yield* screen.resize(size.narrowed, size.rows)
    yield* TestClock.adjust("3500 millis")
    yield* Fiber.join(fiber)
    return screen.screen.lines()
  })
)

describe("flags spin --tasks 3 in tmux", () => {
  it.effect.skipIf(!haveTmux)(
    "the screen at the end is the screen model's prediction, a resize included",
    () =>
      Effect.gen(function* () {
        const socket = `effect-flags-${process.pid}-${Date.now()}`
        const command = `env -u CI NO_COLOR=1 LANG=C.UTF-8 ${process.execPath} ${bin} ${args.join(" ")} 2>&1; sleep 60`
        const capture = () =>
          tmux(socket, "capture-pane", "-p", "-t", "spin").stdout.split("\n").slice(0, size.rows)
        yield* Effect.acquireRelease(
          Effect.sync(() =>
            tmux(
              socket,
              "new-session",
              "-d",
              "-s",
              "spin",
              "-x",
              `${size.columns}`,
              "-y",
              `${size.rows}`,
              command
            )
          ),
          () => Effect.sync(() => tmux(socket, "kill-server"))
        )
        // narrow the window as soon as the region shows, well before the first task ends (1 s)
        for (let i = 0; i < 500 && !capture().some((line) => /^[|/\\-] thinking hard #3/.test(line)); i++) {
          yield* sleep(10)
        }
        tmux(socket, "resize-window", "-t", "spin", "-x", `${size.narrowed}`, "-y", `${size.rows}`)
        for (let i = 0; i < 500 && !capture().some((line) => line.startsWith("Answer #3")); i++)
          yield* sleep(20)
        const seen = capture().map((line) => line.trimEnd())
        const expected = yield* predicted
        assert.deepStrictEqual(seen, [...expected], seen.join("\n"))
        assert.strictEqual(
          expected[0],
          "✔ thinking hard #1 (1.…",
          "the final lines cut at the narrower width"
        )
      }).pipe(Effect.scoped)
  )
})
