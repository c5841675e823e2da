/**
 * The spinner of Fluent Python's `spinner_async.py`: a fiber that animates `|/-\` beside a slow task
 * and is stopped by interruption, the counterpart of asyncio's `Task.cancel`.
 */
import * as Terminal from "@effect/platform/Terminal"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { dual } from "effect/Function"

/** The spinner's frames, in the order they are shown. */
export const frames = ["|", "/", "-", "\\"] as const

/** How long each frame stays on screen. */
export const frameInterval: Duration.Duration = Duration.millis(100)

const hideCursor = "\u001b[?25l"
const showCursor = "\u001b[?25h"

// A spinner must never fail its caller: a closed or broken output just stops the animation.
const write = (terminal: Terminal.Terminal, text: string) => terminal.display(text).pipe(Effect.ignore)

const status = (index: number, message: string) => `${frames[index % frames.length]} ${message}`

const clearLine = (terminal: Terminal.Terminal, width: number) =>
  write(terminal, `\r${" ".repeat(width)}\r${showCursor}`)

/**
 * Draws frames until `waitForNextFrame` says to stop (returns `true`), or forever if it never does.
 * On a terminal the cursor is hidden meanwhile and the line is cleared on every exit path (success,
 * interruption, defect); elsewhere the message is written once and ended with a newline.
 */
const animate = (message: string, waitForNextFrame: Effect.Effect<boolean>) =>
  Effect.gen(function* () {
    const terminal = yield* Terminal.Terminal
    const isTTY = yield* terminal.isTTY
    if (!isTTY) {
      return yield* Effect.acquireUseRelease(
        write(terminal, message),
        () => Effect.repeat(waitForNextFrame, { until: (stop) => stop }),
        () => write(terminal, "\n")
      )
    }
    const width = status(0, message).length
    const loop = (index: number): Effect.Effect<void> =>
      write(terminal, `\r${status(index, message)}`).pipe(
        Effect.zipRight(waitForNextFrame),
        Effect.flatMap((stop) => (stop ? Effect.void : loop(index + 1)))
      )
    return yield* Effect.acquireUseRelease(
      write(terminal, hideCursor),
      () => loop(0),
      () => clearLine(terminal, width)
    )
  }).pipe(Effect.asVoid)

/**
 * Animates `message` until interrupted; interruption clears the line (and restores the cursor) in
 * the spinner's own finalizer.
 */
export const spin = (message: string): Effect.Effect<never, never, Terminal.Terminal> =>
  animate(message, Effect.as(Effect.sleep(frameInterval), false)).pipe(Effect.zipRight(Effect.never))

/**
 * Animates `message` until `done` is completed, then clears the line and returns: the thread
 * version's way (`spinner_thread.py`), where the spinner polls a signal between frames.
 */
export const spinUntil = (
  message: string,
  done: Deferred.Deferred<void>
): Effect.Effect<void, never, Terminal.Terminal> =>
  animate(
    message,
    Deferred.await(done).pipe(
      Effect.timeoutTo({ duration: frameInterval, onSuccess: () => true, onTimeout: () => false })
    )
  )

/**
 * Runs `self` with a spinner showing `message` beside it. The spinner stops when `self` succeeds,
 * fails or is interrupted; the value and the typed error of `self` pass through unchanged.
 */
export const withSpinner: {
  (message: string): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R | Terminal.Terminal>
  <A, E, R>(self: Effect.Effect<A, E, R>, message: string): Effect.Effect<A, E, R | Terminal.Terminal>
} = dual(
  2,
  <A, E, R>(self: Effect.Effect<A, E, R>, message: string): Effect.Effect<A, E, R | Terminal.Terminal> =>
    Effect.acquireUseRelease(
      // forked inside an uninterruptible acquire, so the spinner itself must be made interruptible
      Effect.fork(Effect.interruptible(spin(message))),
      () => self,
      (spinner) => Fiber.interrupt(spinner)
    )
)
