/** The text of a task's lines: live (with a spinner frame or a bar), plain (for logs) and final. */
import { type Glyphs, sgr, truncate, unicodeGlyphs, width } from "./internal/ansi.js"

/** The spinner's frames, in the order they are shown (Fluent Python's `|/-\`). */
export const frames = ["|", "/", "-", "\\"] as const

/** How a task ended, or that it has not. */
export type Status = "running" | "success" | "failure" | "interrupted"

/** Everything a task's lines show, sampled at one instant. */
export interface TaskView {
  readonly label: string
  readonly done: number
  readonly total: number | undefined
  readonly unit: "count" | "bytes"
  readonly elapsedMs: number
  /** Smoothed units per second, `undefined` while unknown. */
  readonly rate: number | undefined
  readonly etaMs: number | undefined
  /** Items in flight, the longest waiting first. */
  readonly waiting: ReadonlyArray<{ readonly key: string; readonly waitedMs: number }>
  readonly status: Status
  readonly error?: string | undefined
  /** A spinner line shows its elapsed time. */
  readonly showElapsed: boolean
}

/** How lines look: glyphs for the locale, colour or not. */
export interface Style {
  readonly glyphs: Glyphs
  readonly color: boolean
}

/** Unicode glyphs, no colour. */
export const plainStyle: Style = { glyphs: unicodeGlyphs, color: false }

/** `00:05`, `12:34`, `1:02:03` (tqdm's clock). */
export const clock = (ms: number): string => {
  const s = Math.max(0, Math.floor(ms / 1000))
  const mm = String(Math.floor(s / 60) % 60).padStart(2, "0")
  const ss = String(s % 60).padStart(2, "0")
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm}:${ss}` : `${mm}:${ss}`
}

/** `512 B`, `1.2 KiB`, `3.4 MiB`, `1.0 GiB`. */
export const bytes = (n: number): string => {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"]
  let value = n
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`
}

const amount = (n: number, unit: TaskView["unit"]) => (unit === "bytes" ? bytes(n) : String(n))

/** `812.45it/s` for counts, `1.1 MiB/s` for bytes, `?it/s` while unknown. */
const rateText = (rate: number | undefined, unit: TaskView["unit"]): string =>
  rate === undefined
    ? unit === "bytes"
      ? "? B/s"
      : "?it/s"
    : unit === "bytes"
      ? `${bytes(rate)}/s`
      : `${rate.toFixed(2)}it/s`

/** A bar `width` cells wide, filled to `fraction` in eighths of a cell where the glyphs allow. */
const bar = (fraction: number, cells: number, glyphs: Glyphs = unicodeGlyphs): string => {
  const steps = glyphs.barPartials.length
  const filled = Math.floor(Math.min(1, Math.max(0, fraction)) * cells * steps)
  const partial = filled % steps === 0 ? "" : (glyphs.barPartials[filled % steps] ?? "")
  return `${glyphs.barFull.repeat(Math.floor(filled / steps))}${partial}`.padEnd(cells)
}

const fractionOf = (view: TaskView) =>
  view.total === undefined ? 0 : view.total === 0 ? 1 : view.done / view.total

/** ` 37%|███▋      | 250/676 [00:00<00:01, 812.45it/s]`, the bar `cells` wide (none under 3). */
export const barText = (
  view: TaskView,
  cells = 25,
  glyphs: Glyphs = unicodeGlyphs,
  final = false
): string => {
  const fraction = fractionOf(view)
  const percent = `${String(Math.floor(fraction * 100)).padStart(3)}%`
  const drawn = cells >= 3 ? `|${bar(fraction, cells, glyphs)}|` : ""
  const eta = view.etaMs === undefined ? "?" : clock(view.etaMs)
  const timing = final ? clock(view.elapsedMs) : `${clock(view.elapsedMs)}<${eta}`
  const count = `${amount(view.done, view.unit)}/${amount(view.total ?? 0, view.unit)}`
  return `${percent}${drawn} ${count} [${timing}, ${rateText(view.rate, view.unit)}]`
}

const counted = (view: TaskView) =>
  `${amount(view.done, view.unit)} [${clock(view.elapsedMs)}, ${rateText(view.rate, view.unit)}]`

// The widest the numbers after a bar get (full count, a long ETA, the widest rate), so the bar
// keeps its width while they change; under 10 cells there is no bar.
const barCells = (view: TaskView, room: number, glyphs: Glyphs) => {
  const rate = view.unit === "bytes" ? 1023.9 * 1024 : 9999.99
  const widest = { ...view, done: view.total ?? 0, elapsedMs: 3_599_000, etaMs: 3_599_000, rate }
  const cells = room - width(barText(widest, 0, glyphs)) - 2
  return cells >= 10 ? Math.min(25, cells) : 0
}

/** What follows the label while running: the bar, the count, the elapsed time, or nothing. */
const progressText = (view: TaskView, room: number, glyphs: Glyphs) =>
  view.total !== undefined
    ? barText(view, barCells(view, room, glyphs), glyphs)
    : view.done > 0
      ? counted(view)
      : view.showElapsed
        ? clock(view.elapsedMs)
        : ""

const join = (...parts: ReadonlyArray<string>) => parts.filter((part) => part !== "").join(" ")

/**
 * The live line: spinner frame, label padded to `labelWidth`, progress; cut to `cells` cells, the
 * bar narrowed first so the numbers stay visible.
 */
export const live = (
  view: TaskView,
  frame: number,
  labelWidth: number,
  cells: number,
  style: Style
): string => {
  if (view.status !== "running") return final(view, style, { labelWidth, cells })
  const head = join(frames[frame % frames.length] ?? "|", view.label.padEnd(labelWidth))
  const line = join(head, progressText(view, cells - width(head) - 1, style.glyphs))
  return truncate(line.trimEnd(), cells, style.glyphs.ellipsis)
}

const waitedText = (ms: number) => (ms < 99_950 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`)

/** `waiting: CN 2.8s, BR 1.1s, +3`: as many as fit in `cells` (or `atMost`), the rest counted. */
export const waitingText = (
  view: TaskView,
  cells = Number.POSITIVE_INFINITY,
  atMost = Number.POSITIVE_INFINITY
) => {
  const items = view.waiting.map((item) => `${item.key} ${waitedText(item.waitedMs)}`)
  for (let shown = Math.min(items.length, atMost); shown >= 0; shown--) {
    const rest = items.length - shown
    const text = `waiting: ${[...items.slice(0, shown), ...(rest > 0 ? [`+${rest}`] : [])].join(", ")}`
    if (width(text) <= cells || shown === 0) return text
  }
  return "waiting:"
}

/** The live line under a task with items in flight, indented under its label; none when idle. */
export const waitingLine = (view: TaskView, cells: number, style: Style): string | undefined =>
  view.status !== "running" || view.waiting.length === 0
    ? undefined
    : truncate(`  ${waitingText(view, cells - 2)}`, cells, style.glyphs.ellipsis)

/** The plain line of a running task, for logs: no frame, no bar, no ANSI, never cut. */
export const plain = (view: TaskView): string => {
  const progress =
    view.total !== undefined
      ? barText(view, 0, unicodeGlyphs).trimStart()
      : view.done > 0
        ? counted(view)
        : clock(view.elapsedMs)
  const waiting = view.waiting.length > 0 ? `; ${waitingText(view, Number.POSITIVE_INFINITY, 5)}` : ""
  return `${join(view.label, progress)}${waiting}`
}

const paint = (text: string, color: string, style: Style) =>
  style.color ? `${color}${text}${sgr.reset}` : text

/**
 * The last line, from how the task ended: `✔ label` (with its count, elapsed time and average
 * rate when it counted), `✖ label: message`, `⚠ label (interrupted)` (with how far it got when it
 * counted: `⚠ flags 29/676 (interrupted)`); cut to `cells` cells, with a
 * bar (when the task had a total) unless `bar` is false.
 */
export const final = (
  view: TaskView,
  style: Style,
  layout: { readonly labelWidth?: number; readonly cells?: number; readonly bar?: boolean } = {}
): string => {
  const { glyphs } = style
  const { labelWidth = 0, cells = Number.POSITIVE_INFINITY, bar = true } = layout
  const cut = (line: string) =>
    cells === Number.POSITIVE_INFINITY ? line : truncate(line, cells, glyphs.ellipsis)
  switch (view.status) {
    case "failure":
      return cut(`${paint(glyphs.failure, sgr.red, style)} ${join(view.label)}: ${view.error ?? "failed"}`)
    case "interrupted": {
      // how far it got, when it counted
      const got =
        view.total !== undefined
          ? `${amount(view.done, view.unit)}/${amount(view.total, view.unit)}`
          : view.done > 0
            ? amount(view.done, view.unit)
            : ""
      return cut(`${paint(glyphs.interrupted, sgr.yellow, style)} ${join(view.label, got, "(interrupted)")}`)
    }
    default: {
      const average = { ...view, rate: view.elapsedMs > 0 ? (view.done * 1000) / view.elapsedMs : undefined }
      const head = `${glyphs.success} ${view.label.padEnd(labelWidth)}`
      const room = bar ? (cells === Number.POSITIVE_INFINITY ? 80 : cells) - width(head) - 1 : 0
      const stats =
        view.total !== undefined
          ? barText(average, barCells(average, room, glyphs), glyphs, true)
          : view.done > 0
            ? counted(average)
            : ""
      return cut(
        `${paint(glyphs.success, sgr.green, style)} ${join(view.label.padEnd(labelWidth), stats)}`.trimEnd()
      )
    }
  }
}
