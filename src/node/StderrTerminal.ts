/** Progress on stderr, so stdout keeps the reports: a `Terminal` over `process.stderr`. */
import * as Terminal from "@effect/platform/Terminal"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { ProgressTerminal } from "../terminal/Progress.js"

/** The progress terminal on the process's stderr (no input). */
export const layer: Layer.Layer<ProgressTerminal> = Layer.succeed(
  ProgressTerminal,
  Terminal.Terminal.of({
    columns: Effect.sync(() => process.stderr.columns ?? 80),
    rows: Effect.sync(() => process.stderr.rows ?? 24),
    isTTY: Effect.sync(() => process.stderr.isTTY === true),
    readInput: Effect.dieMessage("stderr has no input"),
    readLine: Effect.dieMessage("stderr has no input"),
    display: (text) =>
      Effect.async((resume) => {
        process.stderr.write(text, () => resume(Effect.void))
      })
  })
)
