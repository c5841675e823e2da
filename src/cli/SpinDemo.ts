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
import { frameInterval, spin, spinUntil } from "../terminal/Spinner.js"

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

/** How the supervisor shows the spinner: its message, and how it stops it. */
export interface SuperviseOptions {
  readonly message: string
  readonly mode: StopMode
}

/**
 * Runs `work` with a spinner beside it: prints `spinner object: <fiber id>`, starts the spinner as
 * `work` starts, stops it (by `options.mode`) as `work` ends however it ends, and returns its result.
 *
 * The spinner waits for a latch opened in the step that starts `work`, so the print (an asynchronous
 * write on a real terminal) is no turn for it: work that never yields (`PrimeRunner.blocking`, the
 * book's broken example) shows no frame at all, as in the book.
 */
export const superviseWith = <A, E, R>(
  options: SuperviseOptions,
  work: Effect.Effect<A, E, R>
): Effect.Effect<A, E, R | Terminal.Terminal> =>
  Effect.gen(function* () {
    const terminal = yield* Terminal.Terminal
    const started = yield* Deferred.make<void>()
    const afterStart = <X>(spinner: Effect.Effect<X, never, Terminal.Terminal>) =>
      Effect.zipRight(Deferred.await(started), spinner)
    const start = Effect.zipRight(Deferred.succeed(started, undefined), work)
    const announce = (spinner: Fiber.RuntimeFiber<unknown, unknown>) =>
      Effect.ignore(terminal.display(`spinner object: ${describe(spinner)}\n`))
    if (options.mode === "interrupt") {
      return yield* Effect.acquireUseRelease(
        Effect.fork(Effect.interruptible(afterStart(spin(options.message)))),
        (spinner) => Effect.zipRight(announce(spinner), start),
        (spinner) => Fiber.interrupt(spinner)
      )
    }
    const done = yield* Deferred.make<void>()
    const spinner = yield* Effect.fork(afterStart(spinUntil(options.message, done)))
    yield* announce(spinner)
    // the spinner clears its own line once signalled: wait for it, whatever the work's exit
    return yield* Effect.ensuring(
      start,
      Effect.zipRight(Deferred.succeed(done, undefined), Fiber.await(spinner))
    )
  })

/**
 * Runs the slow function with a spinner beside it, printing `spinner object: <fiber id>` first and
 * `Answer: <answer>` last, and returns the answer.
 */
export const supervise = (
  options: SpinDemoOptions = defaultSpinDemoOptions
): Effect.Effect<number, never, Terminal.Terminal> =>
  superviseWith(options, slow(options.duration)).pipe(
    Effect.tap((answer) =>
      Effect.flatMap(Terminal.Terminal, (terminal) => Effect.ignore(terminal.display(`Answer: ${answer}\n`)))
    )
  )

const describe = (fiber: Fiber.RuntimeFiber<unknown, unknown>) =>
  `<Fiber ${FiberId.threadName(fiber.id())} running spin>`
