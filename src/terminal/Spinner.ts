/**
 * The spinner of Fluent Python's `spinner_async.py`: `|/-\` beside a slow task, stopped by
 * interruption, the counterpart of asyncio's `Task.cancel`. A spinner is a task of the renderer
 * (`Renderer.current`): alone, it draws the book's bytes; with others, it is one line of a region.
 */
import * as Terminal from "@effect/platform/Terminal"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import * as Scope from "effect/Scope"
import * as Renderer from "./Renderer.js"

/** The spinner's frames, in the order they are shown. */
export { frames } from "./TaskLine.js"

/** How long each frame stays on screen: the renderer's redraw interval. */
export const frameInterval: Duration.Duration = Duration.millis(100)

// The line disappears when the spinner stops; outside a terminal the message is written once.
const spinnerTask = (message: string): Effect.Effect<void, never, Terminal.Terminal | Scope.Scope> =>
  Effect.gen(function* () {
    const renderer = yield* Renderer.current(yield* Terminal.Terminal)
    yield* renderer.task(message, { onEnd: "clear", elapsed: false })
  })

// The spinner lives in a scope of its own, so a scope `use` may need stays the caller's.
const spinning = <A, E, R>(message: string, use: Effect.Effect<A, E, R>) =>
  Effect.acquireUseRelease(
    Scope.make(),
    (scope) => Effect.zipRight(Scope.extend(spinnerTask(message), scope), use),
    (scope, exit) => Scope.close(scope, exit)
  )

/**
 * Animates `message` until interrupted; interruption clears the line (and restores the cursor)
 * before it completes.
 */
export const spin = (message: string): Effect.Effect<never, never, Terminal.Terminal> =>
  spinning(message, Effect.never)

/**
 * Animates `message` until `done` is completed, then clears the line and returns: the thread
 * version's way (`spinner_thread.py`), where the spinner waits for a signal.
 */
export const spinUntil = (
  message: string,
  done: Deferred.Deferred<void>
): Effect.Effect<void, never, Terminal.Terminal> => spinning(message, Deferred.await(done))

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
    spinning(message, self)
)
