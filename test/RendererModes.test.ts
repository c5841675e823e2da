/** Plain lines and NDJSON events (golden outputs), mode selection, and a terminal that stops reading. */
import { assert, describe, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Data from "effect/Data"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as OutputMode from "../src/terminal/OutputMode.js"
import * as ProgressEvent from "../src/terminal/ProgressEvent.js"
import type * as Renderer from "../src/terminal/Renderer.js"
import { onScreen } from "./support/renderer.js"

const utf8 = { TERM: "xterm-256color", LANG: "en_US.UTF-8" }

class ServerDown extends Data.TaggedError("ServerDown")<{}> {
  override get message() {
    return "server down"
  }
}

// One scripted run: a bar, a spinner that stays, the book's spinner (message only), a log, a failure.
const scripted = (renderer: Renderer.Service) =>
  Effect.all(
    [
      Effect.scoped(
        Effect.gen(function* () {
          const task = yield* renderer.task("flags", { total: 8 })
          yield* Effect.sleep(500)
          for (let i = 0; i < 8; i++) yield* Effect.zipRight(task.advance, Effect.sleep(i < 7 ? 1000 : 0))
        })
      ),
      Effect.scoped(Effect.zipRight(renderer.task("metadata"), Effect.sleep(4500))),
      Effect.scoped(
        Effect.zipRight(renderer.task("thinking", { onEnd: "clear", elapsed: false }), Effect.sleep(1200))
      ),
      Effect.zipRight(Effect.sleep(2100), renderer.log("BR OK")),
      Effect.sleep(5200).pipe(
        Effect.zipRight(Effect.scoped(Effect.zipRight(renderer.task("broken"), Effect.sleep(1000)))),
        Effect.zipRight(Effect.fail(new ServerDown())),
        Effect.ignore
      )
    ],
    { concurrency: "unbounded" }
  )

// the failure must end its task: run it inside the task's scope
const scriptedRun = (renderer: Renderer.Service) =>
  scripted({
    ...renderer,
    task: (label, options) =>
      label === "broken"
        ? Effect.acquireRelease(renderer.add(label, options), (task) =>
            task.end(Effect.runSync(Effect.exit(Effect.fail(new ServerDown()))))
          )
        : renderer.task(label, options)
  })

describe("Renderer, plain mode (not a terminal)", () => {
  it.effect(
    "golden: timed lines every 3 s when changed, every final line, the book's spinner as its message",
    () =>
      Effect.gen(function* () {
        const { screen, at, fiber } = yield* onScreen({ isTTY: false, env: utf8 }, scriptedRun)
        yield* at(10_000)
        yield* Fiber.join(fiber)
        const output = yield* screen.output
        assert.strictEqual(
          output,
          [
            "thinking",
            "BR OK",
            // the smoothed rate, sampled at each wake-up (see RateEstimator.test.ts for its accuracy)
            "flags 37% 3/8 [00:03<00:04, 1.01it/s]",
            "metadata 00:03",
            "✔ metadata",
            "flags 75% 6/8 [00:06<00:02, 0.99it/s]",
            "✖ broken: server down",
            "✔ flags 100% 8/8 [00:07, 1.07it/s]",
            ""
          ].join("\n")
        )
        assert.isFalse(
          output.includes("\r") || output.includes("\u001b"),
          "no carriage return, no escape sequence"
        )
      })
  )

  it.effect("CI set, or TERM=dumb, on a terminal: the same plain lines", () =>
    Effect.gen(function* () {
      const outputOf = (isTTY: boolean, env: Record<string, string>) =>
        Effect.gen(function* () {
          const { screen, at, fiber } = yield* onScreen({ isTTY, env }, scriptedRun)
          yield* at(10_000)
          yield* Fiber.join(fiber)
          return yield* screen.output
        })
      const piped = yield* outputOf(false, utf8)
      assert.strictEqual(yield* outputOf(true, { ...utf8, CI: "true" }), piped)
      assert.strictEqual(yield* outputOf(true, { ...utf8, TERM: "dumb" }), piped)
    })
  )
})

describe("Renderer, json mode", () => {
  it.effect("golden: every line a schema-valid event, in the order things happened", () =>
    Effect.gen(function* () {
      const { screen, at, fiber } = yield* onScreen({ env: utf8, renderer: { mode: "json" } }, scriptedRun)
      yield* at(10_000)
      yield* Fiber.join(fiber)
      const lines = (yield* screen.output).trimEnd().split("\n")
      const events = lines.map((line) => Either.getOrThrow(ProgressEvent.decodeLine(line)))
      assert.deepStrictEqual(
        events.map((event) => `${event.type}:${"task" in event ? event.task : "-"}:${event.at}`),
        [
          "started:1:0",
          "started:2:0",
          "started:3:0",
          "progressed:1:1000",
          "ended:3:1200",
          "progressed:1:2000",
          "log:-:2100",
          "progressed:1:3000",
          "progressed:1:4000",
          "ended:2:4500",
          "progressed:1:5000",
          "started:4:5200",
          "progressed:1:6000",
          "ended:4:6200",
          "progressed:1:7000",
          "ended:1:7500"
        ]
      )
      assert.deepStrictEqual(JSON.parse(lines[7] ?? ""), {
        v: 1,
        type: "progressed",
        at: 3000,
        task: 1,
        label: "flags",
        done: 3,
        total: 8,
        elapsedMs: 3000,
        rate: 1,
        etaMs: 5000,
        inFlight: 0,
        waiting: []
      })
      assert.deepStrictEqual(JSON.parse(lines[13] ?? ""), {
        v: 1,
        type: "ended",
        at: 6200,
        task: 4,
        label: "broken",
        outcome: "failure",
        error: "server down",
        done: 0,
        total: null,
        elapsedMs: 1000
      })
      assert.deepStrictEqual(JSON.parse(lines[6] ?? ""), { v: 1, type: "log", at: 2100, message: "BR OK" })
    })
  )
})

describe("Renderer, none mode", () => {
  it.effect("no progress at all; logged lines are still the app's output", () =>
    Effect.gen(function* () {
      const { screen, at, fiber } = yield* onScreen({ env: utf8, renderer: { mode: "none" } }, scriptedRun)
      yield* at(10_000)
      yield* Fiber.join(fiber)
      assert.strictEqual(yield* screen.output, "BR OK\n")
    })
  )
})

describe("OutputMode", () => {
  const env = (overrides: Partial<OutputMode.Environment>): OutputMode.Environment => ({
    isTTY: true,
    ci: false,
    term: "xterm-256color",
    noColor: false,
    locale: "en_US.UTF-8",
    ...overrides
  })

  it("auto: live on a terminal; plain when not a terminal, in CI, or with TERM=dumb; a choice wins", () => {
    const modeOf = (overrides: Partial<OutputMode.Environment>, choice?: OutputMode.Choice) =>
      OutputMode.resolve(env(overrides), choice).mode
    assert.deepStrictEqual(
      [modeOf({}), modeOf({ isTTY: false }), modeOf({ ci: true }), modeOf({ term: "dumb" })],
      ["live", "plain", "plain", "plain"]
    )
    assert.deepStrictEqual(
      [
        modeOf({ isTTY: false }, "live"),
        modeOf({}, "json"),
        modeOf({}, "none"),
        modeOf({ ci: true }, "plain")
      ],
      ["live", "json", "none", "plain"]
    )
  })

  it("colour only live and never under NO_COLOR; Unicode by locale, or by TERM when none is set", () => {
    assert.isTrue(OutputMode.resolve(env({})).color)
    assert.isFalse(OutputMode.resolve(env({ noColor: true })).color)
    assert.isFalse(OutputMode.resolve(env({ isTTY: false })).color)
    assert.deepStrictEqual(
      ["en_US.UTF-8", "C.utf8", "C", "POSIX", "en_US.ISO-8859-1"].map(
        (locale) => OutputMode.resolve(env({ locale })).unicode
      ),
      [true, true, false, false, false]
    )
    assert.isTrue(OutputMode.resolve(env({ locale: "" })).unicode)
    assert.isFalse(OutputMode.resolve(env({ locale: "", term: "linux" })).unicode)
  })

  it.effect("the environment is read through Config: CI, TERM, NO_COLOR, LC_ALL > LC_CTYPE > LANG", () =>
    Effect.gen(function* () {
      const read = (variables: Record<string, string>, isTTY = true) =>
        OutputMode.detect(isTTY).pipe(
          Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(variables))))
        )
      assert.deepStrictEqual(yield* read({ TERM: "xterm", LANG: "en_US.UTF-8" }), {
        mode: "live",
        color: true,
        unicode: true
      })
      assert.strictEqual((yield* read({ CI: "1" })).mode, "plain")
      assert.strictEqual((yield* read({ CI: "false" })).mode, "live", "CI=false is not CI")
      assert.isFalse((yield* read({ NO_COLOR: "1" })).color)
      assert.isFalse((yield* read({ LC_ALL: "C", LANG: "en_US.UTF-8" })).unicode)
      assert.isTrue((yield* read({ LC_CTYPE: "C.UTF-8", LANG: "C" })).unicode)
      const choice = (value: string) =>
        Effect.either(
          OutputMode.choice("FLAGS_PROGRESS").pipe(
            Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["FLAGS_PROGRESS", value]])))
          )
        )
      assert.deepStrictEqual(yield* choice("json"), Either.right("json"))
      assert.isTrue(Either.isLeft(yield* choice("fancy")))
    })
  )
})

describe("a terminal that stops reading", () => {
  const codes = Array.from({ length: 40 }, (_, i) => `C${String.fromCharCode(65 + (i % 26))}${i}`)
  // a download phase: 40 items, 4 at a time, of different lengths; returns its Clock time
  const phase = (renderer: Renderer.Service) =>
    Effect.gen(function* () {
      const started = yield* Clock.currentTimeMillis
      yield* Effect.scoped(
        Effect.gen(function* () {
          const task = yield* renderer.task("flags", { total: codes.length })
          yield* Effect.forEach(
            codes,
            (cc, i) =>
              Effect.gen(function* () {
                yield* task.itemStarted(cc)
                yield* Effect.sleep(((i % 5) + 1) * 100)
                yield* task.itemEnded(cc)
                yield* renderer.log(`${cc} OK`)
              }),
            { concurrency: 4, discard: true }
          )
        })
      )
      return (yield* Clock.currentTimeMillis) - started
    })

  for (const mode of ["plain", "json", "live"] as const) {
    it.effect(
      `${mode}: writes that take 5 s, or that block until the end, never slow the work; nothing is lost`,
      () =>
        Effect.gen(function* () {
          const run = (terminal: { writeDelay?: Duration.DurationInput; paused?: boolean }) =>
            Effect.gen(function* () {
              const { screen, at, fiber } = yield* onScreen(
                {
                  env: utf8,
                  renderer: { mode },
                  ...(terminal.writeDelay ? { writeDelay: terminal.writeDelay } : {})
                },
                (renderer, { pause }) =>
                  Effect.zipRight(terminal.paused ? pause : Effect.void, phase(renderer))
              )
              yield* at(60_000)
              assert.isTrue(
                Option.isNone(yield* Fiber.poll(fiber)) || !terminal.paused,
                "a paused terminal holds the close"
              )
              yield* screen.resume
              yield* at(600_000)
              const elapsed = yield* Fiber.join(fiber)
              return { elapsed, output: yield* screen.output, transcript: screen.screen.transcript() }
            })
          const fast = yield* run({})
          const slow = yield* run({ writeDelay: "5 seconds" })
          const blocked = yield* run({ paused: true })
          assert.strictEqual(slow.elapsed, fast.elapsed)
          assert.isBelow(slow.elapsed, 5000, "less than one slow write per item would have cost")
          assert.strictEqual(blocked.elapsed, fast.elapsed)
          for (const { output, transcript } of [fast, slow, blocked]) {
            const lines = mode === "live" ? transcript : output.trimEnd().split("\n")
            const logged = lines.filter((line) => / OK"?(,|$|})/.test(line) || line.endsWith(" OK"))
            assert.strictEqual(logged.length, codes.length, `every log line: ${lines.join("|")}`)
            assert.strictEqual(
              lines.filter((line) => line.includes("✔ flags") || line.includes('"ended"')).length,
              1
            )
          }
        })
    )
  }
})
