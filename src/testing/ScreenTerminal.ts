/**
 * A `Terminal` for tests that feeds a `ScreenModel`: what the program writes lands on a grid of the
 * given size, recorded with its Clock time. It can be resized, and it can stop reading (Ctrl-S, a
 * full pipe nobody drains) so that every write waits until it resumes.
 */
import * as Terminal from "@effect/platform/Terminal"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"
import { ScreenModel } from "./ScreenModel.js"

/** One write and the Clock time it landed at. */
export interface Write {
  readonly at: number
  readonly text: string
}

/** A screen terminal and the handles a test drives it with. */
export interface ScreenTerminal {
  readonly terminal: Terminal.Terminal
  /** What a person sees (read it after each step). */
  readonly screen: ScreenModel
  readonly writes: Effect.Effect<ReadonlyArray<Write>>
  /** Everything written, joined. */
  readonly output: Effect.Effect<string>
  /** The window is resized (the screen reflows; `columns` answers the new width). */
  readonly resize: (columns: number, rows?: number) => Effect.Effect<void>
  /** The terminal stops reading: writes wait until `resume`. */
  readonly pause: Effect.Effect<void>
  readonly resume: Effect.Effect<void>
}

/** Options of a screen terminal. */
export interface ScreenTerminalOptions {
  readonly columns?: number
  readonly rows?: number
  /** Answered by `isTTY` (default true). */
  readonly isTTY?: boolean
  /** Every write takes this long on the Clock: a slow consumer. */
  readonly writeDelay?: Duration.DurationInput
}

/** A screen terminal of `columns` × `rows` (default 80 × 24). */
export const make = (options: ScreenTerminalOptions = {}): Effect.Effect<ScreenTerminal> =>
  Effect.gen(function* () {
    const screen = new ScreenModel({ columns: options.columns ?? 80, rows: options.rows ?? 24 })
    const writes = yield* Ref.make<ReadonlyArray<Write>>([])
    const reading = yield* Effect.makeLatch(true)
    const delay = options.writeDelay === undefined ? undefined : Duration.decode(options.writeDelay)
    const terminal = Terminal.Terminal.of({
      columns: Effect.sync(() => screen.columns),
      rows: Effect.sync(() => screen.rows),
      isTTY: Effect.succeed(options.isTTY ?? true),
      readInput: Effect.dieMessage("ScreenTerminal has no input"),
      readLine: Effect.dieMessage("ScreenTerminal has no input"),
      display: (text) =>
        reading.await.pipe(
          Effect.zipRight(delay === undefined ? Effect.void : Effect.sleep(delay)),
          Effect.zipRight(Clock.currentTimeMillis),
          Effect.flatMap((at) =>
            Effect.zipRight(
              Effect.sync(() => screen.write(text)),
              Ref.update(writes, (all) => [...all, { at, text }])
            )
          )
        )
    })
    return {
      terminal,
      screen,
      writes: Ref.get(writes),
      output: Effect.map(Ref.get(writes), (all) => all.map((write) => write.text).join("")),
      resize: (columns, rows) => Effect.sync(() => screen.resize(columns, rows ?? screen.rows)),
      pause: reading.close,
      resume: reading.open
    }
  })

/** Runs `use` with a screen terminal provided as the `Terminal`. */
export const withScreenTerminal = <A, E, R>(
  options: ScreenTerminalOptions,
  use: (screen: ScreenTerminal) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, Exclude<R, Terminal.Terminal>> =>
  Effect.flatMap(make(options), (screen) =>
    Effect.provide(use(screen), Layer.succeed(Terminal.Terminal, screen.terminal))
  )
