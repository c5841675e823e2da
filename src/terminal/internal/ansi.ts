/** Escape sequences, glyphs and cell widths: what the renderer and the screen model agree on. */

/** ESC, the first byte of every sequence. */
export const esc = "\u001b"
export const hideCursor = `${esc}[?25l`
export const showCursor = `${esc}[?25h`
/** Erase from the cursor to the end of the line. */
export const eraseLine = `${esc}[K`
/** Erase from the cursor to the end of the screen. */
export const eraseDown = `${esc}[J`
/** DEC mode 2026: the terminal shows what lies between these two at once (ignored where unknown). */
export const syncStart = `${esc}[?2026h`
export const syncEnd = `${esc}[?2026l`
export const cursorUp = (n: number): string => (n > 0 ? `${esc}[${n}A` : "")

/** OSC 9;4 taskbar progress: 0 clear, 1 normal, 2 error, 3 indeterminate (ConEmu, Windows Terminal, Ghostty). */
export const taskbar = (state: 0 | 1 | 2 | 3, percent = 0): string =>
  `${esc}]9;4;${state};${Math.max(0, Math.min(100, Math.round(percent)))}\u0007`

/** SGR colours used for the status glyphs. */
export const sgr = { green: `${esc}[32m`, red: `${esc}[31m`, yellow: `${esc}[33m`, reset: `${esc}[0m` }

/** Glyphs of the task lines; ASCII ones where the locale is not UTF-8. */
export interface Glyphs {
  readonly success: string
  readonly failure: string
  readonly interrupted: string
  readonly ellipsis: string
  readonly barFull: string
  readonly barPartials: ReadonlyArray<string>
}

export const unicodeGlyphs: Glyphs = {
  success: "✔",
  failure: "✖",
  interrupted: "⚠",
  ellipsis: "…",
  barFull: "█",
  barPartials: [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
}

export const asciiGlyphs: Glyphs = {
  success: "+",
  failure: "x",
  interrupted: "!",
  ellipsis: "~",
  barFull: "#",
  barPartials: [" "]
}

// A CSI (ESC [ … final), an OSC (ESC ] … BEL or ESC \) or a two-byte escape.
const sequence = new RegExp(
  `${esc}(?:\\[[0-?]*[ -/]*[@-~]|\\][^\\u0007${esc}]*(?:\\u0007|${esc}\\\\)|[@-Z\\\\-_7-8])`,
  "y"
)

/** The length of the escape sequence starting at `index` of `text`, or 0. */
export const sequenceAt = (text: string, index: number): number => {
  sequence.lastIndex = index
  return sequence.exec(text)?.[0].length ?? 0
}

const ranges = (pairs: ReadonlyArray<readonly [number, number]>) => (cp: number) =>
  pairs.some(([from, to]) => cp >= from && cp <= to)

const isZeroWidth = ranges([
  [0x0300, 0x036f],
  [0x1ab0, 0x1aff],
  [0x1dc0, 0x1dff],
  [0x200b, 0x200f],
  [0x20d0, 0x20ff],
  [0xfe00, 0xfe0f],
  [0xfe20, 0xfe2f],
  [0xe0100, 0xe01ef]
])

const isWide = ranges([
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f900, 0x1f9ff],
  [0x1fa70, 0x1faff],
  [0x20000, 0x3fffd]
])

/** Cells a code point takes on a terminal: 0 (combining, control), 1, or 2 (CJK, emoji). */
export const cellWidth = (cp: number): 0 | 1 | 2 => {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || isZeroWidth(cp)) return 0
  return isWide(cp) ? 2 : 1
}

/** Cells `text` takes, escape sequences excluded. */
export const width = (text: string): number => {
  let cells = 0
  for (let i = 0; i < text.length; ) {
    const code = text.charCodeAt(i)
    // most text is printable ASCII or Latin: one cell, no lookup (this runs on every redraw)
    if (code >= 0x20 && code < 0x300 && code !== 0x7f) {
      cells++
      i++
      continue
    }
    const skip = code === 0x1b ? sequenceAt(text, i) : 0
    if (skip > 0) {
      i += skip
      continue
    }
    const cp = text.codePointAt(i) ?? 0
    cells += cellWidth(cp)
    i += cp > 0xffff ? 2 : 1
  }
  return cells
}

/** `text` without its escape sequences. */
export const strip = (text: string): string => {
  let out = ""
  for (let i = 0; i < text.length; ) {
    const skip = text.charCodeAt(i) === 0x1b ? sequenceAt(text, i) : 0
    if (skip > 0) i += skip
    else out += text[i++]
  }
  return out
}

/**
 * `text` cut to at most `cells` cells, ending in `ellipsis` when cut; escape sequences are kept
 * (and a colour reset added after a cut), so a truncated line never wraps and never bleeds colour.
 */
export const truncate = (text: string, cells: number, ellipsis = "…"): string => {
  if (width(text) <= cells) return text
  const room = Math.max(0, cells - width(ellipsis))
  let out = ""
  let used = 0
  let styled = false
  for (let i = 0; i < text.length; ) {
    const skip = text.charCodeAt(i) === 0x1b ? sequenceAt(text, i) : 0
    if (skip > 0) {
      styled = true
      out += text.slice(i, i + skip)
      i += skip
      continue
    }
    const cp = text.codePointAt(i) ?? 0
    const cw = cellWidth(cp)
    if (used + cw > room) break
    used += cw
    out += String.fromCodePoint(cp)
    i += cp > 0xffff ? 2 : 1
  }
  return `${out}${cells >= width(ellipsis) ? ellipsis : ""}${styled ? sgr.reset : ""}`
}
