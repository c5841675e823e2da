/**
 * `flags spin --tasks N`: the book's supervisor with several tasks. N slow functions of different
 * lengths run side by side, each beside its own spinner line of one region; each line ends as
 * `✔` when its function returns, and every answer is printed once all are in.
 */
import * as Terminal from "@effect/platform/Terminal"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Renderer from "../terminal/Renderer.js"
import { slow } from "./SpinDemo.js"

/** Options of the several-task demo. */
export interface SpinTasksOptions {
  readonly message: string
  /** The longest slow function's length; task i of N works i/N of it. */
  readonly duration: Duration.DurationInput
  readonly tasks: number
}

/** How long each slow function works: evenly spread up to `duration` (1 s, 2 s, 3 s for 3 s and 3 tasks). */
export const durations = (
  duration: Duration.DurationInput,
  tasks: number
): ReadonlyArray<Duration.Duration> =>
  Array.from({ length: tasks }, (_, i) => Duration.times(Duration.decode(duration), (i + 1) / tasks))

/** The line of task `i` (from 0): `thinking! #1 (1.0s)`. */
export const label = (message: string, i: number, duration: Duration.Duration): string =>
  `${message} #${i + 1} (${Duration.toSeconds(duration).toFixed(1)}s)`

/**
 * Runs the slow functions side by side on the terminal's renderer (the context's, or one of its
 * own), then prints `Answer #i: 42` for each, in order; returns the answers.
 */
export const superviseMany = (
  options: SpinTasksOptions
): Effect.Effect<ReadonlyArray<number>, never, Terminal.Terminal> =>
  Effect.gen(function* () {
    const terminal = yield* Terminal.Terminal
    const answers = yield* Effect.scoped(
      Effect.flatMap(Renderer.current(terminal), (renderer) =>
        Effect.forEach(
          durations(options.duration, options.tasks),
          (duration, i) =>
            Effect.scoped(
              Effect.zipRight(renderer.task(label(options.message, i, duration)), slow(duration))
            ),
          { concurrency: "unbounded" }
        )
      )
    )
    yield* Effect.forEach(
      answers,
      (answer, i) => Effect.ignore(terminal.display(`Answer #${i + 1}: ${answer}\n`)),
      {
        discard: true
      }
    )
    return answers
  })
