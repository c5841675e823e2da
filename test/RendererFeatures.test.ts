/** The live region's extras: the waiting line, colour and glyphs, the taskbar, the height cap, routed logs. */
import * as Terminal from "@effect/platform/Terminal"
import { assert, describe, it } from "@effect/vitest"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import * as Renderer from "../src/terminal/Renderer.js"
import * as RendererLogger from "../src/terminal/RendererLogger.js"
import { withSpinner } from "../src/terminal/Spinner.js"
import * as ScreenTerminal from "../src/testing/ScreenTerminal.js"
import { terminalUser, withEnvironment } from "./support/environment.js"
import { colorless, onScreen } from "./support/renderer.js"

describe("Renderer, live: the waiting line", () => {
  it.effect(
    "items in flight under their task, the longest waiting first, as many as fit, the rest counted",
    () =>
      Effect.gen(function* () {
        const { screen, at, fiber } = yield* onScreen({ columns: 36, rows: 8 }, (renderer) =>
          Effect.gen(function* () {
            const task = yield* renderer.task("flags", { total: 10 })
            yield* task.itemStarted("CN")
            yield* Effect.sleep(1700)
            yield* task.itemStarted("BR")
            yield* Effect.sleep(300)
            for (const cc of ["US", "JP", "IN"]) yield* task.itemStarted(cc)
            yield* Effect.sleep(1000)
            yield* task.itemEnded("CN")
            yield* Effect.sleep(500)
            for (const cc of ["BR", "US", "JP", "IN"]) yield* task.itemEnded(cc)
            yield* Effect.sleep(500)
          })
        )
        yield* at(2850)
        assert.strictEqual(screen.screen.lines()[1], "  waiting: CN 2.8s, BR 1.1s, +3")
        yield* at(3150)
        assert.strictEqual(screen.screen.lines()[1], "  waiting: BR 1.4s, IN 1.1s, +2", "ties by key")
        assert.match(screen.screen.lines()[0] ?? "", / 1\/10 /, "an ended item counts")
        yield* at(3650)
        assert.strictEqual(screen.screen.text().split("\n").length, 1, "nothing in flight: no waiting line")
        yield* at(4000)
        yield* Fiber.join(fiber)
      })
  )
})

describe("Renderer, live: colour, NO_COLOR and glyphs", () => {
  const finished = (env: Readonly<Record<string, string>>) =>
    Effect.gen(function* () {
      const { screen, fiber, at } = yield* onScreen({ columns: 60, rows: 6, env }, (renderer) =>
        Effect.gen(function* () {
          const ok = yield* renderer.add("ok", { total: 4 })
          yield* ok.advanceBy(2)
          yield* Effect.sleep(200)
          yield* ok.advanceBy(2)
          yield* ok.end(Exit.void)
        })
      )
      yield* at(150)
      const running = screen.screen.text()
      yield* at(500)
      yield* Fiber.join(fiber)
      return { screen: screen.screen, running, output: yield* screen.output }
    })

  it.effect("on a terminal the status glyph is coloured", () =>
    Effect.gen(function* () {
      const { screen } = yield* finished(terminalUser)
      assert.strictEqual(screen.lines()[0]?.slice(0, 4), "✔ ok")
      assert.strictEqual(screen.styleAt(0, 0), "32")
    })
  )

  it.effect("NO_COLOR: no colour anywhere", () =>
    Effect.gen(function* () {
      const { screen, output } = yield* finished({ ...terminalUser, NO_COLOR: "1" })
      assert.strictEqual(screen.styleAt(0, 0), "")
      assert.notInclude(output, "\u001b[3", "no SGR colour")
    })
  )

  it.effect("a locale that is not UTF-8: ASCII glyphs and an ASCII bar", () =>
    Effect.gen(function* () {
      const { screen, running, output } = yield* finished({ TERM: "xterm", LANG: "C", NO_COLOR: "1" })
      const [, half, empty] = /^\/ ok {2}50%\|(#+)( +)\| 2\/4 /.exec(running) ?? []
      assert.isAtMost(Math.abs((half?.length ?? 0) - (empty?.length ?? 99)), 1, running)
      assert.match(screen.lines()[0] ?? "", /^\+ ok 100%\|#+\| 4\/4 /)
      assert.isTrue(
        [...output].every((char) => char.charCodeAt(0) < 0x80),
        "nothing but ASCII"
      )
    })
  )
})

describe("Renderer, live: taskbar progress (OSC 9;4, opt-in)", () => {
  it.effect(
    "set while running, an error state after a failure, cleared at the end; nothing unless asked",
    () =>
      Effect.gen(function* () {
        const program = (renderer: Renderer.Service) =>
          Effect.gen(function* () {
            const task = yield* renderer.add("bar", { total: 4 })
            yield* task.advance
            yield* Effect.sleep(250)
            const failing = yield* renderer.add("failing")
            yield* failing.end(Exit.fail("boom"))
            yield* Effect.sleep(250)
            yield* task.advanceBy(3)
            yield* task.end(Exit.void)
          })
        const asked = yield* onScreen({ columns: 40, rows: 6, renderer: { taskbar: true } }, program)
        yield* asked.at(150)
        assert.deepStrictEqual(asked.screen.screen.taskbar, { state: 1, progress: 25 })
        yield* asked.at(350)
        assert.deepStrictEqual(asked.screen.screen.taskbar, { state: 2, progress: 25 })
        yield* asked.at(1000)
        yield* Fiber.join(asked.fiber)
        assert.deepStrictEqual(asked.screen.screen.taskbar, { state: 0, progress: 0 })

        const unasked = yield* onScreen({ columns: 40, rows: 6 }, program)
        yield* unasked.at(1000)
        yield* Fiber.join(unasked.fiber)
        assert.isUndefined(unasked.screen.screen.taskbar)
      })
  )
})

describe("Renderer, live: height", () => {
  it.effect("a region never taller than the window less one row: the rest counted", () =>
    Effect.gen(function* () {
      const { screen, at, fiber } = yield* onScreen({ columns: 30, rows: 5 }, (renderer) =>
        Effect.forEach(
          ["a", "b", "c", "d", "e", "f"],
          (label) =>
            Effect.scoped(Effect.zipRight(renderer.task(label, { elapsed: false }), Effect.sleep(300))),
          { concurrency: "unbounded" }
        )
      )
      yield* at(150)
      assert.deepStrictEqual(screen.screen.lines(), ["/ a", "/ b", "/ c", "… 3 more", ""])
      yield* at(400)
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(screen.screen.transcript(), ["✔ a", "✔ b", "✔ c", "✔ d", "✔ e", "✔ f"])
    })
  )
})

describe("Renderer: Effect.log and Console routed above the region", () => {
  it.effect("a Logger layer and a Console layer print through the renderer", () =>
    Effect.gen(function* () {
      const { screen, at, fiber } = yield* onScreen({ columns: 50, rows: 6 }, (renderer) =>
        Effect.gen(function* () {
          yield* renderer.task("working", { elapsed: false })
          yield* Effect.sleep(100)
          yield* Effect.log("half way").pipe(Effect.annotateLogs("cc", "BR"))
          yield* Console.log("from", { the: "console" })
          yield* Effect.sleep(200)
        }).pipe(
          Effect.provide(
            Layer.mergeAll(RendererLogger.layerLogger(), RendererLogger.layerConsole).pipe(
              Layer.provide(Layer.succeed(Renderer.Renderer, renderer))
            )
          )
        )
      )
      yield* at(250)
      assert.deepStrictEqual(screen.screen.text().split("\n"), [
        "INFO half way cc=BR",
        'from {"the":"console"}',
        "- working"
      ])
      yield* at(400)
      yield* Fiber.join(fiber)
    })
  )
})

describe("withSpinner on the renderer", () => {
  it.effect("two at once, no Renderer provided: two lines of one region; the last to end clears it", () =>
    ScreenTerminal.withScreenTerminal({ columns: 30, rows: 6 }, (screen) =>
      Effect.gen(function* () {
        const fiber = yield* Effect.fork(
          Effect.all(
            [Effect.sleep(500).pipe(withSpinner("first")), Effect.sleep(250).pipe(withSpinner("second"))],
            {
              concurrency: "unbounded"
            }
          ).pipe(withEnvironment(colorless))
        )
        yield* TestClock.adjust(150)
        assert.deepStrictEqual(screen.screen.text().split("\n"), ["/ first", "/ second"])
        yield* TestClock.adjust(300)
        assert.deepStrictEqual(screen.screen.text().split("\n"), ["| first"])
        yield* TestClock.adjust(100)
        yield* Fiber.join(fiber)
        assert.strictEqual(screen.screen.text(), "")
        assert.isTrue(screen.screen.cursorVisible)
        const hides = (yield* screen.writes).filter((write) => write.text === "\u001b[?25l")
        assert.strictEqual(hides.length, 1, "one region, hidden once")
      })
    )
  )

  it.effect("with a Renderer in the context, a spinner is one more line of its region", () =>
    Effect.gen(function* () {
      const { screen, at, fiber } = yield* onScreen({ columns: 40, rows: 6 }, (renderer, { terminal }) =>
        Effect.gen(function* () {
          const task = yield* renderer.task("bar", { total: 2 })
          yield* Effect.sleep(300).pipe(
            withSpinner("spinning"),
            Effect.provideService(Renderer.Renderer, renderer)
          )
          yield* task.advanceBy(2)
          yield* Effect.sleep(200)
        }).pipe(Effect.provideService(Terminal.Terminal, terminal))
      )
      yield* at(150)
      const lines = screen.screen.text().split("\n")
      assert.strictEqual(lines.length, 2)
      assert.match(lines[1] ?? "", /^\/ spinning$/)
      yield* at(450)
      assert.strictEqual(screen.screen.text().split("\n").length, 1, "the spinner's line is gone")
      yield* at(600)
      yield* Fiber.join(fiber)
    })
  )
})

describe("Renderer, live: a terminal that does not know its size", () => {
  it.effect("0 columns (a pseudo-terminal of 0 x 0) counts as 80, and a redraw never moves by Infinity", () =>
    Effect.gen(function* () {
      const screen = yield* ScreenTerminal.make({ columns: 80, rows: 10 })
      const unsized = { ...screen.terminal, columns: Effect.succeed(0), rows: Effect.succeed(0) }
      const fiber = yield* Effect.fork(
        Effect.scoped(
          Effect.gen(function* () {
            const renderer = yield* Renderer.make(unsized)
            yield* Effect.scoped(Effect.zipRight(renderer.task("first"), Effect.sleep(250)))
            yield* renderer.log("between")
            yield* Effect.scoped(Effect.zipRight(renderer.task("second", { total: 2 }), Effect.sleep(250)))
          })
        ).pipe(withEnvironment(colorless))
      )
      yield* TestClock.adjust(1000)
      yield* Fiber.join(fiber)
      assert.notInclude(yield* screen.output, "Infinity")
      assert.deepStrictEqual(screen.screen.ignored, [])
      assert.deepStrictEqual(
        screen.screen.transcript().map((line) => line.split(" ").slice(0, 2).join(" ")),
        ["✔ first", "between", "✔ second"]
      )
    })
  )
})
