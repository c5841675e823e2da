import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import { finalReport, initialReport } from "../src/cli/Report.js"
import { summarize } from "../src/download/Outcome.js"
import { renderBar } from "../src/terminal/Progress.js"

describe("Report", () => {
  it("initial report: codes listed up to 10, a range beyond; connections singular/plural", () => {
    assert.deepStrictEqual(initialReport(["BR", "CN"], 1, "LOCAL", "http://localhost:8000/flags"), [
      "LOCAL site: http://localhost:8000/flags",
      "Searching for 2 flags: BR, CN",
      "1 connection will be used."
    ])
    const many = Array.from({ length: 20 }, (_, i) => `A${String.fromCharCode(65 + i)}`)
    assert.deepStrictEqual(initialReport(many, 5, "EMBEDDED", "u").slice(1), [
      "Searching for 20 flags: from AA to AT",
      "5 concurrent connections will be used."
    ])
    assert.strictEqual(initialReport(["BR"], 1, "X", "u")[1], "Searching for 1 flag: BR")
  })

  it("final report: right-aligned counts, zero lines omitted, singular/plural", () => {
    const outcomes = [
      ...Array.from({ length: 20 }, (_, i) => ({ id: `O${i}`, status: "OK" as const })),
      ...Array.from({ length: 3 }, (_, i) => ({ id: `N${i}`, status: "NOT_FOUND" as const })),
      { id: "E0", status: "ERROR" as const }
    ]
    assert.deepStrictEqual(finalReport(summarize(outcomes, Duration.millis(420))), [
      "--------------------",
      " 20 flags downloaded.",
      "  3 not found.",
      "  1 error.",
      "Elapsed time: 0.42s"
    ])
    assert.deepStrictEqual(finalReport(summarize([{ id: "BR", status: "OK" }], Duration.seconds(2))), [
      "--------------------",
      "  1 flag downloaded.",
      "Elapsed time: 2.00s"
    ])
  })

  it("progress bar: count/total, percent, bar, elapsed, ETA, rate", () => {
    assert.strictEqual(renderBar(0, 676, 0), "  0%|                         | 0/676 [00:00<?, 0.00it/s]")
    assert.strictEqual(
      renderBar(338, 676, 2000),
      " 50%|████████████▌            | 338/676 [00:02<00:02, 169.00it/s]"
    )
    assert.strictEqual(
      renderBar(676, 676, 4000),
      "100%|█████████████████████████| 676/676 [00:04<00:00, 169.00it/s]"
    )
  })
})
