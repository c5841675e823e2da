/**
 * A terminal screen for tests: applies what a program writes (`\r`, `\n`, cursor moves, erases, SGR
 * and OSC sequences, wide characters, auto-wrap at the width) to a grid of cells, so a test asserts
 * what a person would see, not the bytes. It reflows on resize as tmux does (wrapped lines re-wrap;
 * the bottom of the grid stays the bottom of the screen), so it predicts a real pseudo-terminal.
 */
import { cellWidth, esc } from "../terminal/TerminalText.js"
import { blank, blankRow, type Row, reflow, sequenceLength, textOf, trimTrailing } from "./ScreenRows.js"

/** The taskbar progress last set with OSC 9;4 (`state` 0 cleared, 1 normal, 2 error, 3 indeterminate). */
export interface Taskbar {
  readonly state: number
  readonly progress: number
}

/** Options of a screen. */
export interface ScreenOptions {
  readonly columns: number
  readonly rows: number
  /** `\n` also returns the carriage, as a terminal's output does by default (ONLCR); default true. */
  readonly newlineReturns?: boolean
}

/** A grid of cells and a cursor, fed by `write`. */
export class ScreenModel {
  columns: number
  rows: number
  private grid: Array<Row>
  private history: Array<Row> = []
  private x = 0
  private y = 0
  private pendingWrap = false
  private style: Array<string> = []
  private saved: { x: number; y: number } = { x: 0, y: 0 }
  private partial = ""
  private readonly newlineReturns: boolean
  /** The cursor is shown (`ESC [?25h`) or hidden (`ESC [?25l`). */
  cursorVisible = true
  /** The last OSC 9;4 taskbar state, `undefined` if none was ever set. */
  taskbar: Taskbar | undefined
  /** Every sequence the model does not apply, in order: a test can assert there were none. */
  readonly ignored: Array<string> = []
  /** How many synchronized updates (DEC mode 2026) were begun. */
  synchronizedUpdates = 0

  constructor(options: ScreenOptions) {
    this.columns = options.columns
    this.rows = options.rows
    this.newlineReturns = options.newlineReturns ?? true
    this.grid = Array.from({ length: options.rows }, () => blankRow(options.columns))
  }

  /** The cursor's column and row on the screen. */
  get cursor(): { readonly x: number; readonly y: number } {
    return { x: this.x, y: this.y }
  }

  /** The visible rows, trailing spaces removed. */
  lines(): ReadonlyArray<string> {
    return this.grid.map(textOf)
  }

  /** The visible rows as one text, trailing empty rows removed. */
  text(): string {
    return trimTrailing(this.lines()).join("\n")
  }

  /** The rows scrolled off the top, then the visible ones, trailing empty rows removed. */
  transcript(): ReadonlyArray<string> {
    return trimTrailing([...this.history, ...this.grid].map(textOf))
  }

  /** True where row `y` wrapped onto the next at the width (a line that did not fit). */
  wrappedAt(y: number): boolean {
    return this.grid[y]?.wrapped ?? false
  }

  /** The SGR parameters of the cell at (`x`, `y`), `""` for none. */
  styleAt(x: number, y: number): string {
    return this.grid[y]?.cells[x]?.style ?? ""
  }

  /** Applies written text; an escape sequence split across writes is completed by the next. */
  write(text: string): void {
    const input = this.partial + text
    this.partial = ""
    for (let i = 0; i < input.length; ) {
      const ch = input[i] ?? ""
      if (ch === esc) {
        const length = sequenceLength(input, i)
        if (length === undefined) {
          this.partial = input.slice(i)
          return
        }
        this.escape(input.slice(i, i + length))
        i += length
        continue
      }
      const cp = input.codePointAt(i) ?? 0
      i += cp > 0xffff ? 2 : 1
      if (cp < 0x20 || cp === 0x7f) this.control(ch)
      else this.print(String.fromCodePoint(cp), cellWidth(cp))
    }
  }

  /** Resizes the window, re-wrapping every line (history included) at the new width, as tmux does. */
  resize(columns: number, rows: number): void {
    const cursor = { row: this.history.length + this.y, x: this.x, pending: this.pendingWrap }
    const reflowed = reflow([...this.history, ...this.grid], cursor, columns, rows)
    this.history = reflowed.history
    this.grid = reflowed.grid
    this.columns = columns
    this.rows = rows
    this.y = reflowed.y
    this.x = Math.min(reflowed.x, columns - 1)
    this.pendingWrap = reflowed.x >= columns
  }

  private print(char: string, cells: number) {
    if (cells === 0) {
      const at = this.pendingWrap ? this.x : this.x - 1
      const row = this.grid[this.y]
      const previous = row?.cells[at]
      if (row !== undefined && previous !== undefined)
        row.cells[at] = { ...previous, char: previous.char + char }
      return
    }
    if (this.pendingWrap || (cells === 2 && this.x === this.columns - 1)) this.wrap()
    const row = this.grid[this.y] ?? blankRow(this.columns)
    const style = this.style.join(";")
    row.cells[this.x] = { char, style }
    if (cells === 2 && this.x + 1 < this.columns) row.cells[this.x + 1] = { char: "", style }
    row.used = Math.max(row.used, this.x + cells)
    this.x += cells
    if (this.x >= this.columns) {
      this.x = this.columns - 1
      this.pendingWrap = true
    }
  }

  private wrap() {
    const row = this.grid[this.y]
    if (row !== undefined) {
      row.wrapped = true
      row.used = this.columns
    }
    this.x = 0
    this.pendingWrap = false
    this.lineFeed()
  }

  private lineFeed() {
    if (this.y < this.rows - 1) this.y++
    else {
      const top = this.grid.shift()
      if (top !== undefined) this.history.push(top)
      this.grid.push(blankRow(this.columns))
    }
  }

  private control(ch: string) {
    this.pendingWrap = false
    if (ch === "\r") this.x = 0
    else if (ch === "\n") {
      this.lineFeed()
      if (this.newlineReturns) this.x = 0
    } else if (ch === "\b") this.x = Math.max(0, this.x - 1)
    else if (ch === "\t") this.x = Math.min(this.columns - 1, (Math.floor(this.x / 8) + 1) * 8)
  }

  private escape(sequence: string) {
    const kind = sequence[1]
    if (kind === "[") this.csi(sequence)
    else if (kind === "]") this.osc(sequence.slice(2, sequence.endsWith("\u0007") ? -1 : -2))
    else if (kind === "7") this.saved = { x: this.x, y: this.y }
    else if (kind === "8") {
      this.x = this.saved.x
      this.y = this.saved.y
      this.pendingWrap = false
    } else this.ignored.push(sequence)
  }

  private csi(sequence: string) {
    const final = sequence.at(-1) ?? ""
    const body = sequence.slice(2, -1)
    if (body.startsWith("?")) return this.privateMode(body.slice(1), final, sequence)
    const params = body.split(";").map((p) => (p === "" ? undefined : Number(p)))
    const n = Math.max(1, params[0] ?? 1)
    const clampY = (y: number) => Math.max(0, Math.min(this.rows - 1, y))
    const clampX = (x: number) => Math.max(0, Math.min(this.columns - 1, x))
    const { x, y } = this
    const home: readonly [number, number] = [(params[1] ?? 1) - 1, (params[0] ?? 1) - 1]
    const moves: Record<string, readonly [number, number]> = {
      A: [x, y - n],
      B: [x, y + n],
      C: [x + n, y],
      D: [x - n, y],
      E: [0, y + n],
      F: [0, y - n],
      G: [n - 1, y],
      H: home,
      f: home
    }
    const target = moves[final]
    if (target !== undefined) {
      this.x = clampX(target[0])
      this.y = clampY(target[1])
      this.pendingWrap = false
      return
    }
    switch (final) {
      case "J":
        return this.eraseDisplay(params[0] ?? 0)
      case "K":
        return this.eraseLine(this.y, params[0] ?? 0)
      case "m":
        for (const p of body === "" ? ["0"] : body.split(";")) {
          if (p === "" || p === "0") this.style = []
          else this.style.push(p)
        }
        return
      default:
        this.ignored.push(sequence)
    }
  }

  private privateMode(body: string, final: string, sequence: string) {
    if (body === "25" && (final === "h" || final === "l")) this.cursorVisible = final === "h"
    else if (body === "2026" && final === "h") this.synchronizedUpdates++
    else if (!(body === "2026" && final === "l")) this.ignored.push(sequence)
  }

  private osc(body: string) {
    const taskbar = /^9;4;(\d+)(?:;(\d+))?$/.exec(body)
    if (taskbar) this.taskbar = { state: Number(taskbar[1]), progress: Number(taskbar[2] ?? 0) }
    else this.ignored.push(`${esc}]${body}`)
  }

  private eraseLine(y: number, mode: number) {
    const row = this.grid[y]
    if (row === undefined) return
    const [from, to] = mode === 0 ? [this.x, this.columns] : mode === 1 ? [0, this.x + 1] : [0, this.columns]
    for (let x = from; x < to; x++) row.cells[x] = blank
    if (to >= this.columns) {
      row.used = Math.min(row.used, from)
      row.wrapped = false
    }
  }

  private eraseDisplay(mode: number) {
    if (mode === 0) {
      this.eraseLine(this.y, 0)
      for (let y = this.y + 1; y < this.rows; y++) this.grid[y] = blankRow(this.columns)
    } else if (mode === 1) {
      for (let y = 0; y < this.y; y++) this.grid[y] = blankRow(this.columns)
      this.eraseLine(this.y, 1)
    } else {
      this.grid = Array.from({ length: this.rows }, () => blankRow(this.columns))
      if (mode === 3) this.history = []
    }
  }
}

/** A screen of `columns` × `rows`, empty, the cursor at the top left. */
export const make = (options: ScreenOptions): ScreenModel => new ScreenModel(options)
