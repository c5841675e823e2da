/** A task's state, shared by its handle (the app's fibers write) and the renderer (which reads). */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HashMap from "effect/HashMap"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
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
  readonly label: Ref.Ref<string>
  readonly done: Ref.Ref<number>
  readonly total: Ref.Ref<number | undefined>
  /** Items in flight by key, with the Clock time each started. */
  readonly inFlight: Ref.Ref<HashMap.HashMap<string, number>>
  readonly end: Ref.Ref<Option.Option<End>>
  readonly handle: Task
}

/** One sampling of a task's state. */
export interface Snapshot {
  readonly state: TaskState
  readonly label: string
  readonly done: number
  readonly total: number | undefined
  readonly inFlight: HashMap.HashMap<string, number>
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
): Effect.Effect<TaskState> =>
  Effect.gen(function* () {
    const labelRef = yield* Ref.make(label)
    const done = yield* Ref.make(0)
    const total = yield* Ref.make(options.total)
    const inFlight = yield* Ref.make(HashMap.empty<string, number>())
    const end = yield* Ref.make(Option.none<End>())
    const advanceBy = (n: number) => Ref.update(done, (count) => count + n)
    const handle: Task = {
      id,
      advance: advanceBy(1),
      advanceBy,
      set: (count) => Ref.set(done, count),
      setTotal: (count) => Ref.set(total, count),
      setLabel: (text) => Ref.set(labelRef, text),
      itemStarted: (key) =>
        Effect.flatMap(Clock.currentTimeMillis, (at) => Ref.update(inFlight, HashMap.set(key, at))),
      itemEnded: (key) => Effect.zipRight(Ref.update(inFlight, HashMap.remove(key)), advanceBy(1)),
      end: (exit) =>
        Clock.currentTimeMillis.pipe(
          Effect.flatMap((at) =>
            Ref.modify(end, (current) =>
              Option.isSome(current) ? [false, current] : [true, Option.some(endOf(exit, at, sequence()))]
            )
          ),
          Effect.flatMap((first) => (first ? changed : Effect.void))
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
  })

/** Reads a task's state once. */
export const snapshot = (state: TaskState): Effect.Effect<Snapshot> =>
  Effect.all({
    label: Ref.get(state.label),
    done: Ref.get(state.done),
    total: Ref.get(state.total),
    inFlight: Ref.get(state.inFlight),
    end: Ref.get(state.end)
  }).pipe(Effect.map((read) => ({ state, ...read })))
