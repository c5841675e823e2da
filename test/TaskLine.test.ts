import { assert, describe, it } from "@effect/vitest"
import { asciiGlyphs, width } from "../src/terminal/internal/ansi.js"
import * as TaskLine from "../src/terminal/TaskLine.js"

const view = (overrides: Partial<TaskLine.TaskView>): TaskLine.TaskView => ({
  label: "flags",
  done: 0,
  total: undefined,
  unit: "count",
  elapsedMs: 0,
  rate: undefined,
  etaMs: undefined,
  waiting: [],
  status: "running",
  showElapsed: true,
  ...overrides
})
const style = TaskLine.plainStyle

describe("TaskLine", () => {
  it("clock and byte counts as people read them", () => {
    assert.deepStrictEqual([0, 999, 59_999, 61_000, 3_600_000, 36_061_000].map(TaskLine.clock), [
      "00:00",
      "00:00",
      "00:59",
      "01:01",
      "1:00:00",
      "10:01:01"
    ])
    assert.deepStrictEqual([0, 512, 1536, 1.2 * 1024 ** 2, 3 * 1024 ** 3].map(TaskLine.bytes), [
      "0 B",
      "512 B",
      "1.5 KiB",
      "1.2 MiB",
      "3.0 GiB"
    ])
  })

  it("a bar of bytes: sizes, a byte rate", () => {
    const line = TaskLine.barText(
      view({
        unit: "bytes",
        done: 1024 ** 2,
        total: 2 * 1024 ** 2,
        elapsedMs: 1000,
        rate: 1024 ** 2,
        etaMs: 1000
      }),
      10
    )
    assert.strictEqual(line, " 50%|█████     | 1.0 MiB/2.0 MiB [00:01<00:01, 1.0 MiB/s]")
  })

  it("the book's spinner line is the frame and the message; counting adds the count and rate", () => {
    assert.strictEqual(
      TaskLine.live(view({ label: "thinking!", showElapsed: false }), 1, 0, 79, style),
      "/ thinking!"
    )
    assert.strictEqual(
      TaskLine.live(view({ label: "thinking!", elapsedMs: 65_000 }), 2, 12, 79, style),
      "- thinking!    01:05"
    )
    assert.strictEqual(
      TaskLine.live(view({ done: 12, elapsedMs: 2000, rate: 6 }), 3, 0, 79, style),
      "\\ flags 12 [00:02, 6.00it/s]"
    )
  })

  it("a line is cut to its cells, wide characters counted as two", () => {
    const line = TaskLine.live(view({ label: "国旗の図を集める", showElapsed: false }), 0, 0, 10, style)
    // 図 would need cells 9 and 10, and the ellipsis one more: it goes
    assert.strictEqual(line, "| 国旗の…")
    assert.strictEqual(width(line), 9)
    assert.strictEqual(
      TaskLine.live(view({ label: "abcdefghij" }), 0, 0, 8, { ...style, glyphs: asciiGlyphs }),
      "| abcde~"
    )
  })

  it("the waiting line: the longest waiting first, as many as fit, the rest counted", () => {
    const waiting = [
      { key: "CN", waitedMs: 2800 },
      { key: "BR", waitedMs: 1100 },
      { key: "IN", waitedMs: 800 },
      { key: "JP", waitedMs: 800 },
      { key: "US", waitedMs: 750 }
    ]
    assert.strictEqual(TaskLine.waitingText(view({ waiting }), 33), "waiting: CN 2.8s, BR 1.1s, +3")
    assert.strictEqual(TaskLine.waitingText(view({ waiting }), 10), "waiting: +5")
    assert.strictEqual(
      TaskLine.waitingText(view({ waiting: [{ key: "XX", waitedMs: 125_000 }] })),
      "waiting: XX 125s"
    )
  })

  it("final lines: success with what it counted, failure with its message, interruption", () => {
    const ended = { done: 20, total: 20, elapsedMs: 4000 }
    assert.strictEqual(
      TaskLine.final(view({ ...ended, status: "success" }), style, { bar: false }),
      "✔ flags 100% 20/20 [00:04, 5.00it/s]"
    )
    assert.strictEqual(TaskLine.final(view({ status: "success", label: "done" }), style), "✔ done")
    assert.strictEqual(
      TaskLine.final(view({ status: "failure", error: "connection refused" }), style),
      "✖ flags: connection refused"
    )
    assert.strictEqual(TaskLine.final(view({ status: "interrupted" }), style), "⚠ flags (interrupted)")
    assert.strictEqual(
      TaskLine.final(view({ status: "interrupted", done: 29, total: 676 }), style),
      "⚠ flags 29/676 (interrupted)"
    )
    assert.strictEqual(
      TaskLine.final(view({ status: "failure", error: "boom" }), { glyphs: asciiGlyphs, color: true }),
      "\u001b[31mx\u001b[0m flags: boom"
    )
  })
})
