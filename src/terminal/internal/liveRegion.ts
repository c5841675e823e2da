/**
 * The bytes that turn the live region on screen into the next one. The region is the last lines of
 * the output, each narrower than the window (cut to `columns - 1`, so a line never reaches the last
 * column and no terminal's pending-wrap rule applies); the cursor rests at the end of its last line.
 * Lines printed above the region (logs, finished tasks) are permanent: written once, then scrolled.
 */
import { cursorUp, eraseDown, eraseLine, syncEnd, syncStart, width } from "./ansi.js"

/** What the region shows: its lines, and the window's columns when they were drawn. */
export interface Region {
  readonly rows: ReadonlyArray<string>
  readonly columns: number
}

/** No region on screen. */
export const empty: Region = { rows: [], columns: 0 }

/**
 * Rows from the region's first line down to the cursor, at `columns`. A window narrowed since the
 * drawing has re-wrapped longer lines onto several rows on terminals that reflow (tmux, VTE, iTerm2,
 * kitty, Windows Terminal); each line then takes ceil(cells / columns) rows.
 */
export const rowsAbove = (region: Region, columns: number): number => {
  const last = region.rows.length - 1
  let rows = 0
  region.rows.forEach((row, i) => {
    const cells = width(row)
    rows += i < last ? Math.max(1, Math.ceil(cells / columns)) : Math.floor(cells / columns)
  })
  return rows
}

const synchronized = (text: string, rows: number) => (rows > 1 ? `${syncStart}${text}${syncEnd}` : text)

/** Rewrites the rows that changed, from the first one that differs; the same columns, nothing above. */
const diff = (region: Region, rows: ReadonlyArray<string>): string => {
  const old = region.rows
  let first = 0
  while (first < rows.length && first < old.length && rows[first] === old[first]) first++
  if (first === rows.length && rows.length === old.length) return ""
  if (first === old.length) return synchronized(`\n${rows.slice(first).join("\n")}`, rows.length - first)
  // a region that only lost lines at its end: rewrite its new last line to put the cursor there
  first = Math.min(first, rows.length - 1)
  const text = rows
    .slice(first)
    .map((row, j) => {
      const previous = old[first + j]
      return previous !== undefined && width(row) < width(previous) ? `${row}${eraseLine}` : row
    })
    .join("\n")
  const up = cursorUp(old.length - 1 - first)
  return synchronized(`${up}\r${text}${rows.length < old.length ? eraseDown : ""}`, rows.length - first)
}

/**
 * The bytes that print `permanent` lines above the region and show `rows` as the region, drawn at
 * `columns`; and the region they leave. Only changed rows are rewritten when nothing is printed
 * above and the window kept its width; otherwise the region is erased and drawn again.
 */
export const draw = (
  region: Region,
  permanent: ReadonlyArray<string>,
  rows: ReadonlyArray<string>,
  columns: number
): { readonly text: string; readonly region: Region } => {
  const next: Region = rows.length === 0 ? empty : { rows, columns }
  if (permanent.length === 0 && rows.length > 0 && region.rows.length > 0 && region.columns === columns) {
    return { text: diff(region, rows), region: next }
  }
  if (permanent.length === 0 && rows.length === 0 && region.rows.length === 0) return { text: "", region }
  const erase = region.rows.length > 0 ? `${cursorUp(rowsAbove(region, columns))}\r${eraseDown}` : ""
  const start = erase === "" && rows.length > 0 && permanent.length === 0 ? "\r" : ""
  const text = `${erase}${start}${permanent.map((line) => `${line}\n`).join("")}${rows.join("\n")}`
  return {
    text: synchronized(text, Math.max(region.rows.length, permanent.length + rows.length)),
    region: next
  }
}

/**
 * The bytes that remove the region, leaving `permanent` lines where it was and the cursor at the
 * start of the next line. A one-line region in an unchanged window is overwritten with spaces, as
 * the book's spinner does (`\r` + spaces + `\r`), which needs no escape sequence at all.
 */
export const clear = (region: Region, permanent: ReadonlyArray<string>, columns: number): string => {
  const only = region.rows[0]
  if (
    region.rows.length === 1 &&
    only !== undefined &&
    permanent.length === 0 &&
    region.columns === columns
  ) {
    return `\r${" ".repeat(width(only))}\r`
  }
  return draw(region, permanent, [], columns).text
}
