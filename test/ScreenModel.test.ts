import { assert, describe, it } from "@effect/vitest"
import { make } from "../src/testing/ScreenModel.js"

const screenOf = (columns: number, rows: number, ...writes: ReadonlyArray<string>) => {
  const screen = make({ columns, rows })
  for (const text of writes) screen.write(text)
  return screen
}

describe("ScreenModel", () => {
  it("\\r returns to column 0 and overwrites; \\n starts a new line", () => {
    const screen = screenOf(20, 4, "hello world", "\rHELLO", "\nnext")
    assert.deepStrictEqual(screen.lines(), ["HELLO world", "next", "", ""])
    assert.deepStrictEqual(screen.cursor, { x: 4, y: 1 })
  })

  it("cursor up, erase to the end of the line and of the screen", () => {
    const screen = screenOf(20, 4, "one\ntwo\nthree", "\u001b[2A\rONE\u001b[K")
    assert.strictEqual(screen.text(), "ONE\ntwo\nthree")
    screen.write("\u001b[1B\r\u001b[J")
    assert.strictEqual(screen.text(), "ONE")
  })

  it("erase line: to the end (0), to the cursor (1), the whole line (2)", () => {
    const line = (mode: number) => screenOf(10, 1, "abcdefgh", `\r\u001b[3C\u001b[${mode}K`).lines()[0]
    assert.deepStrictEqual([line(0), line(1), line(2)], ["abc", "    efgh", ""])
  })

  it("wraps a line longer than the width and marks the rows it wrapped", () => {
    const screen = screenOf(10, 4, "x".repeat(25))
    assert.deepStrictEqual(screen.lines(), ["x".repeat(10), "x".repeat(10), "x".repeat(5), ""])
    assert.deepStrictEqual(
      [0, 1, 2].map((y) => screen.wrappedAt(y)),
      [true, true, false]
    )
  })

  it("a line exactly as wide as the screen leaves the wrap pending: \\r stays on that row", () => {
    const screen = screenOf(10, 3, "y".repeat(10), "\rz")
    assert.deepStrictEqual(screen.lines(), [`z${"y".repeat(9)}`, "", ""])
    assert.isFalse(screen.wrappedAt(0))
  })

  it("scrolls rows off the top into the history", () => {
    const screen = screenOf(10, 2, "1\n2\n3\n4")
    assert.deepStrictEqual(screen.lines(), ["3", "4"])
    assert.deepStrictEqual(screen.transcript(), ["1", "2", "3", "4"])
  })

  it("wide characters take two cells and never straddle the edge", () => {
    const screen = screenOf(5, 2, "ab国", "c国")
    assert.deepStrictEqual(screen.lines(), ["ab国c", "国"])
  })

  it("cursor visibility, SGR styles, OSC 9;4 taskbar; other sequences are listed, not applied", () => {
    const screen = screenOf(20, 2, "\u001b[?25l\u001b[32m✔\u001b[0m ok\u001b]9;4;1;40\u0007\u001b[5n")
    assert.isFalse(screen.cursorVisible)
    assert.strictEqual(screen.lines()[0], "✔ ok")
    assert.strictEqual(screen.styleAt(0, 0), "32")
    assert.strictEqual(screen.styleAt(2, 0), "")
    assert.deepStrictEqual(screen.taskbar, { state: 1, progress: 40 })
    assert.deepStrictEqual(screen.ignored, ["\u001b[5n"])
    screen.write("\u001b]9;4;0;0\u0007\u001b[?25h")
    assert.deepStrictEqual(screen.taskbar, { state: 0, progress: 0 })
    assert.isTrue(screen.cursorVisible)
  })

  it("an escape sequence split across two writes is applied once complete", () => {
    const screen = screenOf(20, 2, "abc\u001b[", "2D!")
    assert.strictEqual(screen.lines()[0], "a!c")
  })

  it("narrowing reflows every line as tmux 3.3 does: the grid's bottom stays the screen's bottom", () => {
    // measured in tmux 3.3a: 40x8, three lines printed, then resize-window -x 10
    const screen = screenOf(40, 8, `${"a".repeat(30)}\n${"b".repeat(30)}\n${"c".repeat(20)}`)
    screen.resize(10, 8)
    assert.deepStrictEqual(screen.lines().slice(0, 3), ["b".repeat(10), "c".repeat(10), "c".repeat(10)])
    assert.deepStrictEqual(screen.cursor, { x: 9, y: 2 }, "tmux: cursor_x 10 (wrap pending), cursor_y 2")
    assert.strictEqual(screen.transcript().length, 8)
    // and widening joins the wrapped rows again, pulling the history back on screen
    screen.resize(40, 8)
    assert.deepStrictEqual(screen.lines().slice(0, 3), ["a".repeat(30), "b".repeat(30), "c".repeat(20)])
    assert.deepStrictEqual(screen.cursor, { x: 20, y: 2 })
    screen.resize(20, 8)
    assert.deepStrictEqual(screen.lines().slice(0, 3), ["b".repeat(20), "b".repeat(10), "c".repeat(20)])
  })
})
