import * as ValidationError from "@effect/cli/ValidationError"
import * as FileSystem from "@effect/platform/FileSystem"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Path from "@effect/platform/Path"
import { assert, describe, it } from "@effect/vitest"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import { run } from "../src/cli/Cli.js"
import { durations, superviseMany } from "../src/cli/SpinTasks.js"
import { ProgressTerminal } from "../src/terminal/Progress.js"
import * as ScreenTerminal from "../src/testing/ScreenTerminal.js"
import { withEnvironment } from "./support/environment.js"
import { colorless } from "./support/renderer.js"

const demo = (isTTY: boolean, seconds: number) =>
  ScreenTerminal.withScreenTerminal({ isTTY, columns: 40, rows: 10 }, (screen) =>
    Effect.gen(function* () {
      const fiber = yield* Effect.fork(
        superviseMany({ message: "thinking!", duration: `${seconds} seconds`, tasks: 3 }).pipe(
          withEnvironment(colorless)
        )
      )
      return { screen, fiber }
    })
  )

describe("flags spin --tasks", () => {
  it("task i of N works i/N of the time", () => {
    assert.deepStrictEqual(
      durations("3 seconds", 3).map((d) => d.toJSON()),
      durations("3 seconds", 3).map((_, i) => ({ _id: "Duration", _tag: "Millis", millis: (i + 1) * 1000 }))
    )
  })

  it.effect("a spinner line each, each ends as ✔ in place when its function returns, then every answer", () =>
    Effect.gen(function* () {
      const { screen, fiber } = yield* demo(true, 3)
      yield* TestClock.adjust("1050 millis")
      const lines = screen.screen.text().split("\n")
      assert.strictEqual(lines[0], "✔ thinking! #1 (1.0s)")
      assert.match(lines[1] ?? "", /^[|/\\-] thinking! #2 \(2\.0s\) 00:01$/)
      assert.match(lines[2] ?? "", /^[|/\\-] thinking! #3 \(3\.0s\) 00:01$/)
      yield* TestClock.adjust("2 seconds")
      assert.deepStrictEqual(yield* Fiber.join(fiber), [42, 42, 42])
      assert.deepStrictEqual(screen.screen.transcript(), [
        "✔ thinking! #1 (1.0s)",
        "✔ thinking! #2 (2.0s)",
        "✔ thinking! #3 (3.0s)",
        "Answer #1: 42",
        "Answer #2: 42",
        "Answer #3: 42"
      ])
      assert.isTrue(screen.screen.cursorVisible)
    })
  )

  it.effect("not a terminal: one final line per task, as each ends, then the answers", () =>
    Effect.gen(function* () {
      const { screen, fiber } = yield* demo(false, 2.5)
      yield* TestClock.adjust("3 seconds")
      yield* Fiber.join(fiber)
      assert.strictEqual(
        yield* screen.output,
        "✔ thinking! #1 (0.8s)\n✔ thinking! #2 (1.7s)\n✔ thinking! #3 (2.5s)\nAnswer #1: 42\nAnswer #2: 42\nAnswer #3: 42\n"
      )
    })
  )

  // `flags` needs these for its other commands; spin touches none of them
  const unused = Layer.mergeAll(
    FileSystem.layerNoop({}),
    Path.layer,
    Layer.succeed(
      HttpClient.HttpClient,
      HttpClient.make(() => Effect.dieMessage("spin makes no request"))
    )
  )

  it.effect("--tasks out of 1..100 is a usage error; --tasks 2 runs two", () =>
    ScreenTerminal.withScreenTerminal({ isTTY: false }, (screen) =>
      Effect.gen(function* () {
        const quiet = <A, E, R>(self: Effect.Effect<A, E, R>) =>
          Console.consoleWith((current) =>
            Console.withConsole(self, { ...current, error: () => Effect.void, log: () => Effect.void })
          )
        for (const tasks of ["0", "101"]) {
          const error = yield* Effect.flip(quiet(run(["node", "flags", "spin", "--tasks", tasks])))
          assert.isTrue(ValidationError.isValidationError(error), tasks)
        }
        const fiber = yield* Effect.fork(
          run(["node", "flags", "spin", "--tasks", "2", "--seconds", "1"]).pipe(withEnvironment(colorless))
        )
        yield* TestClock.adjust("1 second")
        yield* Fiber.join(fiber)
        assert.strictEqual(
          yield* screen.output,
          "✔ thinking! #1 (0.5s)\n✔ thinking! #2 (1.0s)\nAnswer #1: 42\nAnswer #2: 42\n"
        )
      }).pipe(Effect.provide(unused), Effect.provideService(ProgressTerminal, screen.terminal))
    )
  )
})
