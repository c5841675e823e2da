/** What every output mode shares: a frame of input, what it paints, and a task's view at an instant. */
import * as Option from "effect/Option"
import * as RateEstimator from "../RateEstimator.js"
import type { TaskView } from "../TaskLine.js"
import type { Snapshot } from "./taskState.js"

/** A line logged above the tasks, with the Clock time it was logged. */
export interface LogLine {
  readonly message: string
  readonly at: number
  /** Its place among the renderer's events (see `End.seq`). */
  readonly seq: number
}

/** What a painter is given at each step: the time, new log lines, every task not yet retired. */
export interface Frame {
  readonly now: number
  readonly logs: ReadonlyArray<LogLine>
  readonly tasks: ReadonlyArray<Snapshot>
  readonly columns: number
  readonly rows: number
}

/** What a step paints: the writes (in order), the tasks whose last line is out, when to step again. */
export interface Painted {
  readonly writes: ReadonlyArray<string>
  readonly retired: ReadonlyArray<number>
  /** `tick`: step again after this long whatever happens; `due`: at the latest after it; none: on events. */
  readonly next: { readonly _tag: "tick" | "due"; readonly ms: number } | undefined
}

/** One output mode: `step` on every wake-up, `close` once, when the renderer's scope closes. */
export interface Painter {
  readonly step: (frame: Frame) => Painted
  readonly close: (frame: Frame) => Painted
}

/** Smoothed rates per task, sampled whenever a task's line is made. */
export const estimators = () => {
  const byId = new Map<number, RateEstimator.RateEstimator>()
  return {
    view: (task: Snapshot, now: number): TaskView => {
      const end = Option.getOrUndefined(task.end)
      const at = end?.at ?? now
      const previous = byId.get(task.state.id) ?? RateEstimator.start(task.state.startedAt)
      const estimator = RateEstimator.sample(previous, at, task.done)
      byId.set(task.state.id, estimator)
      return {
        label: task.label,
        done: task.done,
        total: task.total,
        unit: task.state.unit,
        elapsedMs: at - task.state.startedAt,
        rate: RateEstimator.rate(estimator, at),
        etaMs: task.total === undefined ? undefined : RateEstimator.eta(estimator, task.total, at),
        waiting: waitingOf(task, now),
        status: end?.status ?? "running",
        error: end?.error,
        showElapsed: task.state.showElapsed
      }
    },
    forget: (id: number) => byId.delete(id)
  }
}

const waitingOf = (task: Snapshot, now: number) =>
  task.inFlight.size === 0
    ? []
    : [...task.inFlight.entries()]
        .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
        .map(([key, startedAt]) => ({ key, waitedMs: now - startedAt }))

/** The tasks as they should end when the renderer closes: any still running counts as interrupted. */
export const closing = (frame: Frame): Frame => ({
  ...frame,
  tasks: frame.tasks.map((task) =>
    Option.isSome(task.end)
      ? task
      : { ...task, end: Option.some({ status: "interrupted", at: frame.now, seq: Number.MAX_SAFE_INTEGER }) }
  )
})

/** A log message as lines (a message may hold several). */
export const linesOf = (logs: ReadonlyArray<LogLine>): ReadonlyArray<string> =>
  logs.flatMap((log) => log.message.split(/\r?\n/))

/**
 * Log lines and final lines of one step, each with its `seq`: the finals keep the order they had on
 * screen, and each log line goes before the first final that happened after it.
 */
export const merge = (
  logs: ReadonlyArray<readonly [number, string]>,
  finals: ReadonlyArray<readonly [number, string]>
): ReadonlyArray<string> => {
  const out: Array<string> = []
  let i = 0
  for (const [seq, line] of finals) {
    for (let log = logs[i]; log !== undefined && log[0] < seq; log = logs[++i]) out.push(log[1])
    out.push(line)
  }
  return [...out, ...logs.slice(i).map(([, line]) => line)]
}
