/**
 * The outputs made of whole lines, for logs, pipes and programs: plain timed lines, NDJSON events,
 * or nothing. No `\r`, no escape sequence; every line and event is written, however late.
 */
import * as Option from "effect/Option"
import type { ProgressEvent } from "../ProgressEvent.js"
import { final, plain as plainLine, type Style, type TaskView } from "../TaskLine.js"
import { closing, estimators, type Frame, linesOf, type Painted, type Painter } from "./painter.js"
import type { Snapshot } from "./taskState.js"

type Next = Painted["next"]
const dueIn = (next: Next, ms: number): Next => ({
  _tag: "due",
  ms: Math.max(0, Math.min(ms, next?.ms ?? ms))
})

// The book's spinner outside a terminal writes its message once, then a newline when it stops.
const isMessageOnly = (task: Snapshot) => task.state.onEnd === "clear" && task.total === undefined

type Output =
  | { readonly line: string }
  | { readonly open: number; readonly text: string }
  | { readonly close: number }

const now = Number.MAX_SAFE_INTEGER
const seqOf = (task: Snapshot) => Option.match(task.end, { onNone: () => now, onSome: (end) => end.seq })

/** Plain lines: a task's line at most every `intervalMs` (when it changed), and its final line. */
export const plain = (options: { readonly intervalMs: number; readonly style: Style }): Painter => {
  let open: number | undefined // the task whose message ends the output, its newline not yet written
  const announced = new Set<number>()
  const lastAt = new Map<number, number>()
  const lastText = new Map<number, string>()
  const rates = estimators()

  const step = (frame: Frame): Painted => {
    const outputs: Array<readonly [number, Output]> = frame.logs.flatMap((log) =>
      linesOf([log]).map((line) => [log.seq, { line }] as const)
    )
    const retired: Array<number> = []
    let next: Next
    for (const task of frame.tasks) {
      const id = task.state.id
      const view = rates.view(task, frame.now)
      const ended = view.status !== "running"
      if (isMessageOnly(task)) {
        if (!announced.has(id)) outputs.push([task.state.seq, { open: id, text: view.label }])
        announced.add(id)
        if (ended) outputs.push([seqOf(task), { close: id }])
      } else if (ended) {
        if (task.state.onEnd === "keep")
          outputs.push([seqOf(task), { line: final(view, options.style, { bar: false }) }])
      } else {
        const since = lastAt.get(id) ?? task.state.startedAt
        if (frame.now - since >= options.intervalMs) {
          const text = plainLine(view)
          if (text !== lastText.get(id)) outputs.push([now, { line: text }])
          lastText.set(id, text)
          lastAt.set(id, frame.now)
        }
        next = dueIn(next, (lastAt.get(id) ?? task.state.startedAt) + options.intervalMs - frame.now)
      }
      if (ended) {
        retired.push(id)
        for (const seen of [announced, lastAt, lastText]) seen.delete(id)
        rates.forget(id)
      }
    }
    let out = ""
    for (const [, output] of [...outputs].sort((a, b) => a[0] - b[0])) {
      if ("line" in output || "open" in output) {
        out += `${open !== undefined ? "\n" : ""}${"line" in output ? `${output.line}\n` : output.text}`
        open = "open" in output ? output.open : undefined
      } else if (open === output.close) {
        out += "\n"
        open = undefined
      }
    }
    return { writes: out === "" ? [] : [out], retired, next }
  }
  return { step, close: (frame) => step(closing(frame)) }
}

const round = (n: number | undefined, digits = 0) =>
  n === undefined ? null : Math.round(n * 10 ** digits) / 10 ** digits

const progressed = (task: Snapshot, view: TaskView, at: number): ProgressEvent => ({
  v: 1,
  type: "progressed",
  at,
  task: task.state.id,
  label: view.label,
  done: view.done,
  total: view.total ?? null,
  elapsedMs: view.elapsedMs,
  rate: round(view.rate, 2),
  etaMs: round(view.etaMs),
  inFlight: view.waiting.length,
  waiting: view.waiting.slice(0, 10).map(({ key, waitedMs }) => ({ key, waitedMs }))
})

/** NDJSON events (see `ProgressEvent`): started, progressed at most every `intervalMs`, ended, log. */
export const json = (options: { readonly intervalMs: number }): Painter => {
  const announced = new Set<number>()
  const lastAt = new Map<number, number>()
  const lastSeen = new Map<number, string>()
  const rates = estimators()

  const step = (frame: Frame): Painted => {
    const events: Array<readonly [number, ProgressEvent]> = []
    for (const log of frame.logs) {
      for (const message of linesOf([log])) events.push([log.seq, { v: 1, type: "log", at: log.at, message }])
    }
    const retired: Array<number> = []
    let next: Next
    for (const task of frame.tasks) {
      const id = task.state.id
      const view = rates.view(task, frame.now)
      const total = view.total ?? null
      if (!announced.has(id)) {
        announced.add(id)
        // no `progressed` event until something moved
        lastSeen.set(id, `0/${view.total}/0`)
        const { startedAt: at, unit, seq } = task.state
        events.push([seq, { v: 1, type: "started", at, task: id, label: view.label, total, unit }])
      }
      if (view.status !== "running") {
        const at = task.state.startedAt + view.elapsedMs
        const { done, elapsedMs, error } = view
        const outcome = view.status
        events.push([
          seqOf(task),
          {
            v: 1,
            type: "ended",
            at,
            task: id,
            label: view.label,
            outcome,
            ...(error && { error }),
            done,
            total,
            elapsedMs
          }
        ])
        retired.push(id)
        for (const seen of [announced, lastAt, lastSeen]) seen.delete(id)
        rates.forget(id)
        continue
      }
      const since = lastAt.get(id) ?? task.state.startedAt
      if (frame.now - since >= options.intervalMs) {
        const seen = `${view.done}/${view.total}/${view.waiting.length}`
        if (seen !== lastSeen.get(id)) events.push([now, progressed(task, view, frame.now)])
        lastSeen.set(id, seen)
        lastAt.set(id, frame.now)
      }
      next = dueIn(next, (lastAt.get(id) ?? task.state.startedAt) + options.intervalMs - frame.now)
    }
    // events in the order they happened (a log may have come before a task's start in one batch)
    events.sort((a, b) => a[1].at - b[1].at || a[0] - b[0])
    const text = events.map(([, event]) => `${JSON.stringify(event)}\n`).join("")
    return { writes: text === "" ? [] : [text], retired, next }
  }
  return { step, close: (frame) => step(closing(frame)) }
}

/** No progress at all; logged lines are still written, as they are the app's output. */
export const none: Painter = {
  step: (frame) => ({
    writes:
      frame.logs.length === 0
        ? []
        : [
            linesOf(frame.logs)
              .map((line) => `${line}\n`)
              .join("")
          ],
    retired: frame.tasks.filter((task) => task.end._tag === "Some").map((task) => task.state.id),
    next: undefined
  }),
  close: (frame) => none.step(closing(frame))
}
