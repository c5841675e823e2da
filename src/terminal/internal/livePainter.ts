/**
 * The live region: one line per task (two with items in flight), logs and finished tasks printed
 * above it, the cursor hidden while it shows, and the taskbar progress (OSC 9;4) when asked.
 */
import * as Option from "effect/Option"
import { final, live, type Style, waitingLine } from "../TaskLine.js"
import { hideCursor, showCursor, taskbar, truncate, width } from "./ansi.js"
import * as LiveRegion from "./liveRegion.js"
import { closing, estimators, type Frame, linesOf, merge, type Painted, type Painter } from "./painter.js"

/** How the live region is drawn. */
export interface LiveOptions {
  readonly intervalMs: number
  readonly taskbar: boolean
  readonly style: Style
}

/** A painter for a terminal, redrawn every `intervalMs` while any task is on screen. */
export const make = (options: LiveOptions): Painter => {
  const { style } = options
  let region = LiveRegion.empty
  let hidden = false
  let shownTaskbar = ""
  let failed = false
  const frames = new Map<number, number>()
  const rates = estimators()

  const paint = (input: Frame, last: boolean): Painted => {
    // a terminal that does not know its size (a pseudo-terminal of 0 x 0, say) counts as 80 wide
    const frame = input.columns > 0 ? input : { ...input, columns: 80 }
    const cells = frame.columns - 1
    const logged = frame.logs.flatMap((log) => linesOf([log]).map((line) => [log.seq, line] as const))
    const finals: Array<readonly [number, string]> = []
    const retired: Array<number> = []
    const shown = frame.tasks
      .map((task) => ({ task, view: rates.view(task, frame.now) }))
      .filter(({ task, view }) => {
        if (view.status === "failure") failed = true
        const gone = view.status !== "running" && task.state.onEnd === "clear"
        if (gone) retired.push(task.state.id)
        return !gone
      })
    const labelWidth = Math.min(
      Math.floor(cells / 2),
      Math.max(0, ...shown.map(({ view }) => width(view.label)))
    )
    // finished tasks at the top leave the region as permanent lines, so it holds what still changes
    let top = 0
    while (top < shown.length && shown[top]?.view.status !== "running") {
      const ended = shown[top++]
      if (ended === undefined) continue
      const seq = Option.match(ended.task.end, { onNone: () => 0, onSome: (end) => end.seq })
      finals.push([seq, final(ended.view, style, { labelWidth, cells })])
    }
    retired.push(...shown.slice(0, top).map(({ task }) => task.state.id))
    const rows: Array<string> = []
    const limit = frame.rows > 2 ? frame.rows - 1 : Number.POSITIVE_INFINITY
    const onScreen = shown.slice(top)
    for (const [i, { task, view }] of onScreen.entries()) {
      const lines = [live(view, frames.get(task.state.id) ?? 0, labelWidth, cells, style)]
      const waiting = waitingLine(view, cells, style)
      if (waiting !== undefined) lines.push(waiting)
      if (rows.length + lines.length > limit - (i < onScreen.length - 1 ? 1 : 0)) {
        rows.push(
          truncate(`${style.glyphs.ellipsis} ${onScreen.length - i} more`, cells, style.glyphs.ellipsis)
        )
        break
      }
      rows.push(...lines)
    }
    for (const { task, view } of onScreen) {
      if (view.status === "running") frames.set(task.state.id, (frames.get(task.state.id) ?? 0) + 1)
    }
    for (const id of retired) {
      frames.delete(id)
      rates.forget(id)
    }

    const writes: Array<string> = []
    if (rows.length > 0 && !hidden) {
      // its own write, before the first frame, as the book's spinner does
      writes.push(hideCursor)
      hidden = true
    }
    const above = merge(logged, finals)
    let text = last
      ? LiveRegion.clear(region, above, frame.columns)
      : LiveRegion.draw(region, above, rows, frame.columns).text
    region = last || rows.length === 0 ? LiveRegion.empty : { rows, columns: frame.columns }
    if (rows.length === 0 && hidden) {
      text += showCursor
      hidden = false
    }
    if (options.taskbar) text += taskbarUpdate(frame, last)
    if (text !== "") writes.push(text)
    const next = onScreen.length > 0 ? { _tag: "tick" as const, ms: options.intervalMs } : undefined
    return { writes, retired, next }
  }

  // set while tasks run (indeterminate while one has no total), error after a failure, cleared at the end
  const taskbarUpdate = (frame: Frame, last: boolean) => {
    const running = frame.tasks.filter((task) => task.end._tag === "None")
    const counted = running.filter((task) => task.total !== undefined)
    const total = counted.reduce((sum, task) => sum + (task.total ?? 0), 0)
    const done = counted.reduce((sum, task) => sum + task.done, 0)
    const state = last ? 0 : failed ? 2 : running.length === 0 ? 0 : counted.length < running.length ? 3 : 1
    const osc = state === 0 ? "" : taskbar(state, total > 0 ? (100 * done) / total : 0)
    if (osc === shownTaskbar) return ""
    const text = osc === "" ? taskbar(0) : osc
    shownTaskbar = osc
    return text
  }

  return { step: (frame) => paint(frame, false), close: (frame) => paint(closing(frame), true) }
}
