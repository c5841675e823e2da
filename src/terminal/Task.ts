/**
 * A task on the renderer: a bar (with a total, of items or bytes) or a spinner (without one), and
 * the combinators for the common cases — a task around an effect, a task that counts a stream.
 */
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import { dual } from "effect/Function"
import * as Stream from "effect/Stream"
import { Renderer } from "./Renderer.js"

/** How a task is shown. */
export interface TaskOptions {
  /** The count (or bytes) at which the bar is full; none: a spinner. */
  readonly total?: number | undefined
  /** What is counted: items (`count`, default) or `bytes` (`1.2 MiB`, `1.1 MiB/s`). */
  readonly unit?: "count" | "bytes" | undefined
  /** When it ends: its last line stays on screen (`keep`, default) or disappears (`clear`). */
  readonly onEnd?: "keep" | "clear" | undefined
  /** A spinner shows its elapsed time (default `true`). */
  readonly elapsed?: boolean | undefined
}

/** A running task's handle: each update is a `Ref` write, never a wait for the terminal. */
export interface Task {
  readonly id: number
  /** One more done. */
  readonly advance: Effect.Effect<void>
  /** `n` more done (bytes, say). */
  readonly advanceBy: (n: number) => Effect.Effect<void>
  /** The count done so far. */
  readonly set: (done: number) => Effect.Effect<void>
  /** A total found out later (or `undefined`: back to a spinner). */
  readonly setTotal: (total: number | undefined) => Effect.Effect<void>
  readonly setLabel: (label: string) => Effect.Effect<void>
  /** An item (a download, by its key) started now: shown in the `waiting:` line until it ends. */
  readonly itemStarted: (key: string) => Effect.Effect<void>
  /** That item ended: it leaves the `waiting:` line and the count advances by one. */
  readonly itemEnded: (key: string) => Effect.Effect<void>
  /** Ends the task with an `Exit` (its last line: ✔, ✖ and the message, or ⚠); the first end wins. */
  readonly end: (exit: Exit.Exit<unknown, unknown>) => Effect.Effect<void>
}

/** Runs `use` with a task of the context's renderer, ended by the `Exit` of `use`. */
export const useTask = <A, E, R>(
  label: string,
  options: TaskOptions,
  use: (task: Task) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, R | Renderer> =>
  Effect.flatMap(Renderer, (renderer) =>
    Effect.acquireUseRelease(renderer.add(label, options), use, (task, exit) => task.end(exit))
  )

/** Runs `self` as a task (a spinner unless `options.total`), ended by its `Exit`. */
export const withTask: {
  (
    label: string,
    options?: TaskOptions
  ): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R | Renderer>
  <A, E, R>(
    self: Effect.Effect<A, E, R>,
    label: string,
    options?: TaskOptions
  ): Effect.Effect<A, E, R | Renderer>
} = dual(
  (args) => Effect.isEffect(args[0]),
  <A, E, R>(self: Effect.Effect<A, E, R>, label: string, options: TaskOptions = {}) =>
    useTask(label, options, () => self)
)

/** Options of `trackStream`: a task's, and how much each element counts (default 1; bytes: its length). */
export interface TrackOptions<A> extends TaskOptions {
  readonly weight?: ((element: A) => number) | undefined
}

/** Counts the stream's elements on a task (a bar against `options.total`), ended by the stream's end. */
export const trackStream: {
  <A>(
    label: string,
    options?: TrackOptions<A>
  ): <E, R>(self: Stream.Stream<A, E, R>) => Stream.Stream<A, E, R | Renderer>
  <A, E, R>(
    self: Stream.Stream<A, E, R>,
    label: string,
    options?: TrackOptions<A>
  ): Stream.Stream<A, E, R | Renderer>
} = dual(
  (args) => Stream.StreamTypeId in Object(args[0]),
  <A, E, R>(self: Stream.Stream<A, E, R>, label: string, options: TrackOptions<A> = {}) =>
    Stream.unwrapScoped(
      Effect.map(
        Effect.flatMap(Renderer, (renderer) => renderer.task(label, options)),
        (task) => Stream.tap(self, (element) => task.advanceBy(options.weight?.(element) ?? 1))
      )
    )
)
