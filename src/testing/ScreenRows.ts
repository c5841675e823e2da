/**
 * The rows of a screen model: cells with their style, how much of each row was written, whether it
 * wrapped onto the next; and the reflow of all of them at a new width, as tmux 3.3 does it.
 */
import { esc } from "../terminal/TerminalText.js"

/** One cell of the grid. */
export interface Cell {
  /** The character, `""` for the right half of a wide one. */
  readonly char: string
  /** The SGR parameters in effect when it was written (`"32"`), `""` for none. */
  readonly style: string
}

/** One row of the grid. */
export interface Row {
  cells: Array<Cell>
  /** Cells written so far (a space written counts, as in tmux). */
  used: number
  /** The text wrapped onto the next row at the width. */
  wrapped: boolean
}

/** An empty cell. */
export const blank: Cell = { char: " ", style: "" }

/** An empty row of `columns` cells. */
export const blankRow = (columns: number): Row => ({
  cells: Array(columns).fill(blank),
  used: 0,
  wrapped: false
})

/** A row's text, trailing spaces removed. */
export const textOf = (row: Row): string =>
  row.cells
    .map((cell) => cell.char)
    .join("")
    .trimEnd()

/** `lines` without the empty ones at the end. */
export const trimTrailing = (lines: ReadonlyArray<string>): ReadonlyArray<string> => {
  let end = lines.length
  while (end > 0 && lines[end - 1] === "") end--
  return lines.slice(0, end)
}

// Cells of one logical line as rows of `columns`, a wide character never split across two.
const rewrap = (cells: ReadonlyArray<Cell>, columns: number): Array<Row> => {
  const rows: Array<Row> = [blankRow(columns)]
  let x = 0
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i] ?? blank
    const wide = cells[i + 1]?.char === ""
    if (cell.char === "" && i > 0) continue
    if (x + (wide ? 2 : 1) > columns) {
      const full = rows[rows.length - 1]
      if (full !== undefined) {
        full.wrapped = true
        full.used = columns
      }
      rows.push(blankRow(columns))
      x = 0
    }
    const row = rows[rows.length - 1] ?? blankRow(columns)
    row.cells[x] = cell
    if (wide) row.cells[x + 1] = { char: "", style: cell.style }
    x += wide ? 2 : 1
    row.used = x
  }
  return rows
}

/** Where the cursor is: a row of the whole grid (history first), its column, a wrap pending. */
export interface Cursor {
  readonly row: number
  readonly x: number
  readonly pending: boolean
}

/**
 * Every row (history, then screen) re-wrapped at `columns`: the wrapped rows of a line joined and cut
 * again, the cursor kept on its character (on the line's last row, wrap pending, when it is at the
 * end), and the bottom of the grid kept at the bottom of the `height` rows on screen.
 */
export const reflow = (
  all: ReadonlyArray<Row>,
  cursor: Cursor,
  columns: number,
  height: number
): { readonly history: Array<Row>; readonly grid: Array<Row>; readonly y: number; readonly x: number } => {
  const lines: Array<{ cells: Array<Cell>; cursor: number | undefined }> = []
  let cells: Array<Cell> = []
  let offset: number | undefined
  all.forEach((row, index) => {
    if (index === cursor.row) offset = cells.length + cursor.x + (cursor.pending ? 1 : 0)
    cells.push(...(row.wrapped ? row.cells : row.cells.slice(0, row.used)))
    if (!row.wrapped) {
      lines.push({ cells, cursor: offset })
      cells = []
      offset = undefined
    }
  })
  if (cells.length > 0 || offset !== undefined) lines.push({ cells, cursor: offset })
  const out: Array<Row> = []
  let at = { row: 0, x: 0 }
  for (const line of lines) {
    const first = out.length
    out.push(...rewrap(line.cells, columns))
    if (line.cursor === undefined) continue
    const atEnd = line.cursor > 0 && line.cursor >= line.cells.length
    const row = atEnd ? Math.ceil(line.cursor / columns) - 1 : Math.floor(line.cursor / columns)
    while (out.length <= first + row) out.push(blankRow(columns))
    at = { row: first + row, x: line.cursor - row * columns }
  }
  while (out.length < height) out.push(blankRow(columns))
  const top = Math.max(0, out.length - height)
  return { history: out.slice(0, top), grid: out.slice(top), y: Math.max(0, at.row - top), x: at.x }
}

/** The length of the escape sequence at `i` of `input`, or `undefined` if the input ends inside it. */
export const sequenceLength = (input: string, i: number): number | undefined => {
  const kind = input[i + 1]
  if (kind === undefined) return undefined
  if (kind === "[") {
    for (let j = i + 2; j < input.length; j++) {
      const code = input.charCodeAt(j)
      if (code >= 0x40 && code <= 0x7e) return j - i + 1
    }
    return undefined
  }
  if (kind === "]") {
    for (let j = i + 2; j < input.length; j++) {
      if (input[j] === "\u0007") return j - i + 1
      if (input[j] === esc && input[j + 1] === "\\") return j - i + 2
    }
    return undefined
  }
  return 2
}
