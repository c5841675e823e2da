/**
 * The supervisor of Fluent Python's spinner examples: fork the spinner, run a slow function beside
 * it, stop the spinner, print the answer.
 */
import * as Terminal from "@effect/platform/Terminal"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as FiberId from "effect/FiberId"
import { frameInterval, spin, spinUntil } from "./Spinner.js"

/** How the supervisor stops the spinner: `interrupt` (asyncio's `Task.cancel`) or `signal` (a thread's `Event`). */
export type StopMode = "interrupt" | "signal"

/** Options of the spinner demo. */
export interface SpinDemoOptions {
  readonly message: string
  readonly duration: Duration.DurationInput
  readonly mode: StopMode
}

/** The demo's defaults, as in the book: `thinking!` for 3 seconds, stopped by interruption. */
export const defaultSpinDemoOptions: SpinDemoOptions = {
  message: "thinking!",
  duration: Duration.seconds(3),
  mode: "interrupt"
}

/**
 * The book's slow function: waits `duration`, then answers 42.
 *
 * When `duration` is a whole number of frames, the answer and the next frame are due at the same
 * instant. The tie goes to the slow function: its last frame-long wait is armed on the spinner's
 * beat, after the spinner re-armed its own, so both TestClock (which wakes the most recently armed
 * of simultaneous sleepers first) and the real clock (where the spinner's re-armed timers only drift
 * later) finish the slow function first. A 3 s run thus shows 30 frames (t = 0.0 … 2.9 s).
 */
export const slow = (duration: Duration.DurationInput): Effect.Effect<number> => {
  const total = Duration.decode(duration)
  const steps = Duration.greaterThan(total, frameInterval)
    ? [Duration.subtract(total, frameInterval), frameInterval]
    : [total]
  return Effect.forEach(steps, (step) => Effect.sleep(step), { discard: true }).pipe(Effect.as(42))
}

/**
 * Runs the slow function with a spinner beside it, printing `spinner object: <fiber id>` first and
 * `Answer: <answer>` last, and returns the answer.
 */
export const supervise = (
  options: SpinDemoOptions = defaultSpinDemoOptions
): Effect.Effect<number, never, Terminal.Terminal> =>
  Effect.gen(function* () {
    const terminal = yield* Terminal.Terminal
    const println = (line: string) => Effect.ignore(terminal.display(`${line}\n`))
    const answer =
      options.mode === "interrupt"
        ? yield* Effect.acquireUseRelease(
            Effect.fork(Effect.interruptible(spin(options.message))),
            (spinner) =>
              Effect.zipRight(println(`spinner object: ${describe(spinner)}`), slow(options.duration)),
            (spinner) => Fiber.interrupt(spinner)
          )
        : yield* Effect.gen(function* () {
            const done = yield* Deferred.make<void>()
            const spinner = yield* Effect.fork(spinUntil(options.message, done))
            yield* println(`spinner object: ${describe(spinner)}`)
            return yield* slow(options.duration).pipe(
              Effect.ensuring(Deferred.succeed(done, undefined)),
              Effect.zipLeft(Fiber.join(spinner))
            )
          })
    yield* println(`Answer: ${answer}`)
    return answer
  })

const describe = (fiber: Fiber.RuntimeFiber<unknown, unknown>) =>
  `<Fiber ${FiberId.threadName(fiber.id())} running spin>`
