/**
 * A task's state, shared by its handle (the app's fibers write) and the renderer (which reads it on
 * every redraw, in one synchronous step: `MutableRef`s, as a `Ref` holds its value in one).
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as MutableRef from "effect/MutableRef"
import * as Option from "effect/Option"
import type { Task, TaskOptions } from "../Task.js"
import type { Status } from "../TaskLine.js"

/** How and when a task ended. */
export interface End {
  readonly status: Exclude<Status, "running">
  readonly error?: string | undefined
  readonly at: number
  /** Its place among the renderer's events (ends and log lines), for ordering lines logged at one instant. */
  readonly seq: number
}

/** Everything the renderer reads of a task. */
export interface TaskState {
  readonly id: number
  readonly startedAt: number
  /** Its start's place among the renderer's events. */
  readonly seq: number
  readonly unit: "count" | "bytes"
  readonly onEnd: "keep" | "clear"
  readonly showElapsed: boolean
  readonly label: MutableRef.MutableRef<string>
  readonly done: MutableRef.MutableRef<number>
  readonly total: MutableRef.MutableRef<number | undefined>
  /**
   * Items in flight by key, with the Clock time each started: a plain mutable `Map`, as a download's
   * start and end cost only a set and a delete (a persistent `HashMap` cost ~4 % of a 676-code run,
   * measured); a snapshot copies it, at most 10 times a second.
   */
  readonly inFlight: Map<string, number>
  readonly end: MutableRef.MutableRef<Option.Option<End>>
  readonly handle: Task
}

const emptyInFlight: ReadonlyMap<string, number> = new Map()

/** One sampling of a task's state. */
export interface Snapshot {
  readonly state: TaskState
  readonly label: string
  readonly done: number
  readonly total: number | undefined
  readonly inFlight: ReadonlyMap<string, number>
  readonly end: Option.Option<End>
}

/** The message a failure shows: an `Error`'s (tagged errors included), or the value as text. */
export const messageOf = (cause: Cause.Cause<unknown>): string => {
  const error = Cause.squash(cause)
  if (error instanceof Error) return error.message
  if (
    typeof error === "object" &&
    error !== null &&
    "message" in error &&
    typeof error.message === "string"
  ) {
    return error.message
  }
  return String(error)
}

/** How an `Exit` ends a task: success, interruption (only), or failure with its message. */
export const endOf = (exit: Exit.Exit<unknown, unknown>, at: number, seq: number): End =>
  Exit.isSuccess(exit)
    ? { status: "success", at, seq }
    : Cause.isInterruptedOnly(exit.cause)
      ? { status: "interrupted", at, seq }
      : { status: "failure", error: messageOf(exit.cause), at, seq }

/** A task's state and handle; `changed` wakes the renderer (never waits for it), `sequence` numbers events. */
export const make = (
  id: number,
  label: string,
  options: TaskOptions,
  startedAt: number,
  changed: Effect.Effect<void>,
  sequence: () => number
): TaskState => {
  const labelRef = MutableRef.make(label)
  const done = MutableRef.make(0)
  const total = MutableRef.make(options.total)
  const inFlight = new Map<string, number>()
  const end = MutableRef.make(Option.none<End>())
  const advanceBy = (n: number) => Effect.sync(() => void MutableRef.update(done, (count) => count + n))
  const handle: Task = {
    id,
    advance: advanceBy(1),
    advanceBy,
    set: (count) => Effect.sync(() => void MutableRef.set(done, count)),
    setTotal: (count) => Effect.sync(() => void MutableRef.set(total, count)),
    setLabel: (text) => Effect.sync(() => void MutableRef.set(labelRef, text)),
    itemStarted: (key) =>
      Effect.clockWith((clock) =>
        Effect.sync(() => {
          inFlight.set(key, clock.unsafeCurrentTimeMillis())
        })
      ),
    itemEnded: (key) =>
      Effect.sync(() => {
        inFlight.delete(key)
        MutableRef.update(done, (count) => count + 1)
      }),
    end: (exit) =>
      Effect.flatMap(Clock.currentTimeMillis, (at) =>
        Effect.suspend(() => {
          if (Option.isSome(MutableRef.get(end))) return Effect.void
          MutableRef.set(end, Option.some(endOf(exit, at, sequence())))
          return changed
        })
      )
  }
  return {
    id,
    startedAt,
    seq: sequence(),
    unit: options.unit ?? "count",
    onEnd: options.onEnd ?? "keep",
    showElapsed: options.elapsed ?? true,
    label: labelRef,
    done,
    total,
    inFlight,
    end,
    handle
  }
}

/** Reads a task's state once. */
export const snapshot = (state: TaskState): Snapshot => ({
  state,
  label: MutableRef.get(state.label),
  done: MutableRef.get(state.done),
  total: MutableRef.get(state.total),
  inFlight: state.inFlight.size === 0 ? emptyInFlight : new Map(state.inFlight),
  end: MutableRef.get(state.end)
})
