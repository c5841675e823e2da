/** The live region, as a person sees it (a screen model), under TestClock. */
import { assert, describe, it } from "@effect/vitest"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Fiber from "effect/Fiber"
import { width } from "../src/terminal/internal/ansi.js"
import type * as Renderer from "../src/terminal/Renderer.js"
import * as RendererTag from "../src/terminal/Renderer.js"
import { withTask } from "../src/terminal/Task.js"
import { onScreen } from "./support/renderer.js"

const countTo = (renderer: Renderer.Service, label: string, total: number, everyMs: number) =>
  Effect.scoped(
    Effect.gen(function* () {
      const task = yield* renderer.task(label, { total })
      for (let i = 0; i < total; i++) {
        yield* Effect.sleep(everyMs)
        yield* task.advance
      }
    })
  )

const spinnerBetween = (renderer: Renderer.Service, label: string, fromMs: number, toMs: number) =>
  Effect.zipRight(
    Effect.sleep(fromMs),
    Effect.scoped(
      Effect.zipRight(renderer.task(label, { onEnd: "clear", elapsed: false }), Effect.sleep(toMs - fromMs))
    )
  )

describe("Renderer, live", () => {
  it.effect("no tearing: logs at random moments land whole above the bars, within one redraw", () =>
    Effect.gen(function* () {
      const times = FastCheck.sample(FastCheck.integer({ min: 0, max: 1990 }), {
        numRuns: 40,
        seed: 13
      }).sort((a, b) => a - b)
      const { screen, fiber, at } = yield* onScreen({ columns: 60, rows: 12 }, (renderer) =>
        Effect.all(
          [
            countTo(renderer, "alpha", 50, 40),
            countTo(renderer, "beta", 30, 70),
            Effect.forEach(times, (t, i) =>
              Effect.zipRight(Effect.sleep(t - (times[i - 1] ?? 0)), renderer.log(`log #${i + 1}`))
            )
          ],
          { concurrency: "unbounded" }
        )
      )
      const live =
        /^[|/\\-] (alpha|beta) +\d+%\|[█▏▎▍▌▋▊▉ ]+\| \d+\/\d+ \[\d\d:\d\d<(\d\d:\d\d|\?), [\d.?]+it\/s\]$/
      const done = /^✔ (alpha|beta) +100%\|█+\| \d+\/\d+ \[\d\d:\d\d, [\d.]+it\/s\]$/
      for (let t = 0; t <= 2300; t += 20) {
        yield* at(t)
        const transcript = screen.screen.transcript()
        const kinds = transcript.map((line) =>
          /^log #\d+$/.test(line)
            ? "log"
            : done.test(line)
              ? "done"
              : live.test(line)
                ? "live"
                : `torn: ${line}`
        )
        assert.notInclude(kinds.join(","), "torn", `t=${t}: ${transcript.join(" / ")}`)
        const firstLive = kinds.indexOf("live")
        if (firstLive >= 0)
          assert.isTrue(
            kinds.slice(firstLive).every((kind) => kind === "live"),
            "live lines last"
          )
        const logs = transcript.filter((line) => line.startsWith("log #"))
        const due = times.filter((logged) => logged <= t - 100).length
        const logged = times.filter((logged) => logged <= t).length
        assert.isAtLeast(logs.length, due, `t=${t}: a log line waited more than one redraw`)
        assert.isAtMost(logs.length, logged)
        assert.deepStrictEqual(
          logs,
          Array.from({ length: logs.length }, (_, i) => `log #${i + 1}`),
          "in order"
        )
        for (let y = 0; y < 12; y++) assert.isFalse(screen.screen.wrappedAt(y), `t=${t}: row ${y} wrapped`)
      }
      yield* Fiber.join(fiber)
      const transcript = screen.screen.transcript()
      assert.strictEqual(transcript.length, 42)
      assert.deepStrictEqual(
        transcript.filter((line) => line.startsWith("✔")).map((line) => line.split(" ")[1]),
        ["alpha", "beta"]
      )
      assert.isTrue(screen.screen.cursorVisible)
    })
  )

  it.effect("several spinners at exact frame times: one frame per 100 ms each, from its first redraw", () =>
    Effect.gen(function* () {
      const { screen, at, fiber } = yield* onScreen({ columns: 30, rows: 6 }, (renderer) =>
        Effect.all(
          [
            spinnerBetween(renderer, "A", 0, 450),
            spinnerBetween(renderer, "B", 150, 800),
            spinnerBetween(renderer, "C", 250, 800)
          ],
          { concurrency: "unbounded" }
        )
      )
      const expected: ReadonlyArray<readonly [number, ReadonlyArray<string>]> = [
        [0, ["| A"]],
        [50, ["| A"]],
        [100, ["/ A"]],
        [150, ["/ A"]],
        [200, ["- A", "| B"]],
        [250, ["- A", "| B"]],
        [300, ["\\ A", "/ B", "| C"]],
        [400, ["| A", "- B", "/ C"]],
        [500, ["\\ B", "- C"]],
        [600, ["| B", "\\ C"]]
      ]
      for (const [t, lines] of expected) {
        yield* at(t)
        assert.deepStrictEqual(screen.screen.text().split("\n"), lines, `t=${t}`)
      }
      yield* at(900)
      yield* Fiber.join(fiber)
      assert.strictEqual(screen.screen.text(), "")
      assert.isTrue(screen.screen.cursorVisible)
    })
  )

  class ServerDown extends Data.TaggedError("ServerDown")<{}> {
    override get message() {
      return "server down"
    }
  }

  it.effect("final lines come from each task's Exit: success, failure with its message, interruption", () =>
    Effect.gen(function* () {
      const { screen, at, fiber } = yield* onScreen({ columns: 40, rows: 8 }, (renderer) =>
        Effect.gen(function* () {
          const provide = Effect.provideService(RendererTag.Renderer, renderer)
          const stuck = yield* Effect.fork(provide(withTask(Effect.never, "stuck")))
          yield* Effect.all(
            [
              provide(withTask(Effect.sleep(280), "ok")),
              provide(withTask(Effect.zipRight(Effect.sleep(150), new ServerDown()), "bad")).pipe(
                Effect.ignore
              ),
              provide(withTask(Effect.sleep(250), "gone", { onEnd: "clear" })),
              Effect.zipRight(Effect.sleep(400), Fiber.interrupt(stuck))
            ],
            { concurrency: "unbounded" }
          )
        })
      )
      yield* at(210)
      const lines = screen.screen.text().split("\n")
      assert.match(lines[1] ?? "", /^[|/\\-] ok +00:00$/, "ok still runs")
      assert.strictEqual(lines[2], "✖ bad: server down", "bad ended: its final line, in place")
      assert.match(lines[3] ?? "", /^[|/\\-] gone/)
      yield* at(350)
      assert.match(screen.screen.text(), /^[|/\\-] stuck +00:00\n✔ ok\n✖ bad: server down$/, "gone is gone")
      yield* at(500)
      yield* Fiber.join(fiber)
      assert.strictEqual(screen.screen.text(), "⚠ stuck (interrupted)\n✔ ok\n✖ bad: server down")
    })
  )

  it.effect("at 20 columns a line is cut (…), never wrapped; a narrower window cuts more", () =>
    Effect.gen(function* () {
      const { screen, at, fiber } = yield* onScreen({ columns: 20, rows: 6 }, (renderer) =>
        Effect.gen(function* () {
          const task = yield* renderer.task("downloading the flags of the world", { total: 676 })
          yield* task.advanceBy(338)
          yield* Effect.sleep(1000)
        })
      )
      yield* at(150)
      const [line] = screen.screen.lines()
      assert.strictEqual(width(line ?? ""), 19)
      assert.match(line ?? "", /^\/ downloading the …$/)
      assert.isFalse(screen.screen.wrappedAt(0))
      yield* screen.resize(12, 6)
      yield* at(250)
      assert.deepStrictEqual(screen.screen.text(), "- download…")
      yield* at(1000)
      yield* Fiber.join(fiber)
      assert.strictEqual(screen.screen.text(), "✔ download…")
    })
  )

  it.effect(
    "interrupted: the region is cleared, only kept lines remain, the cursor and the taskbar restored",
    () =>
      Effect.gen(function* () {
        const { screen, at, fiber } = yield* onScreen(
          { columns: 40, rows: 8, renderer: { taskbar: true } },
          (renderer) =>
            Effect.all(
              [
                Effect.zipRight(renderer.task("spinning", { onEnd: "clear" }), Effect.never),
                Effect.zipRight(renderer.task("also spinning", { onEnd: "clear" }), Effect.never),
                renderer.task("counting", { total: 10 }).pipe(
                  Effect.tap((task) => task.advanceBy(3)),
                  Effect.zipRight(Effect.never)
                )
              ],
              { concurrency: "unbounded" }
            )
        )
        yield* at(350)
        assert.strictEqual(screen.screen.text().split("\n").length, 3)
        assert.isFalse(screen.screen.cursorVisible)
        assert.deepStrictEqual(
          screen.screen.taskbar,
          { state: 3, progress: 30 },
          "indeterminate: spinners have no total"
        )
        yield* Fiber.interrupt(fiber)
        assert.strictEqual(screen.screen.text(), "⚠ counting 3/10 (interrupted)")
        assert.isTrue(screen.screen.cursorVisible)
        assert.deepStrictEqual(screen.screen.taskbar, { state: 0, progress: 0 })
        assert.deepStrictEqual(screen.screen.ignored, [])
      })
  )

  it.effect(
    "a window resized mid-run: the reflowed region is erased whole and redrawn at the new width",
    () =>
      Effect.gen(function* () {
        const { screen, at, fiber } = yield* onScreen({ columns: 50, rows: 10 }, (renderer) =>
          Effect.all([countTo(renderer, "first task", 20, 50), countTo(renderer, "second task", 20, 60)], {
            concurrency: "unbounded"
          }).pipe(Effect.zipLeft(renderer.log("done")))
        )
        yield* at(250)
        const wide = screen.screen.text().split("\n")
        assert.strictEqual(wide.length, 2)
        assert.isTrue(wide.every((line) => width(line) > 30))
        yield* screen.resize(24, 10)
        yield* at(300)
        const narrow = screen.screen.text().split("\n")
        assert.deepStrictEqual(
          narrow.map((line) => line.slice(2, 13)),
          ["first task ", "second task"],
          narrow.join(" / ")
        )
        assert.isTrue(narrow.every((line) => width(line) <= 23))
        yield* screen.resize(50, 10)
        yield* at(400)
        assert.isTrue(
          screen.screen
            .text()
            .split("\n")
            .every((line) => width(line) > 30)
        )
        yield* at(1300)
        yield* Fiber.join(fiber)
        assert.deepStrictEqual(
          screen.screen
            .text()
            .split("\n")
            .map((line) => line.slice(0, 13)),
          ["✔ first task ", "✔ second task", "done"]
        )
      })
  )
})
