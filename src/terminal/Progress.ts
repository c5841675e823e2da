/** A tqdm-like progress bar: a task with a total on the renderer of its own `Terminal` (stderr in the CLI). */
import type * as Terminal from "@effect/platform/Terminal"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as Renderer from "./Renderer.js"
import { barText } from "./TaskLine.js"

/** Where progress is drawn: the CLI provides stderr, so stdout keeps the report alone. */
export class ProgressTerminal extends Context.Tag("effect-flags/ProgressTerminal")<
  ProgressTerminal,
  Terminal.Terminal
>() {}

/** One line of the bar at the average rate: ` 37%|███▋      | 250/676 [00:00<00:01, 812.45it/s]`. */
export const renderBar = (done: number, total: number, elapsedMs: number, width = 25): string => {
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0
  return barText(
    {
      label: "",
      done,
      total,
      unit: "count",
      elapsedMs,
      rate,
      etaMs: rate > 0 ? ((total - done) * 1000) / rate : undefined,
      waiting: [],
      status: "running",
      showElapsed: true
    },
    width
  )
}

/** A running bar: `advance` is all a completion costs; the drawing happens on the renderer's fiber. */
export interface ProgressBar {
  readonly advance: Effect.Effect<void>
}

/**
 * A bar for `total` items until the scope closes, on the context's `Renderer` or else on the
 * renderer of `ProgressTerminal`: redrawn in place at most 10 times a second on a terminal, a plain
 * line every few seconds elsewhere (never a `\r`), and its final line kept.
 */
export const make = (
  total: number,
  options: { readonly label?: string } = {}
): Effect.Effect<ProgressBar, never, ProgressTerminal | Scope.Scope> =>
  Effect.gen(function* () {
    const renderer = yield* Renderer.current(yield* ProgressTerminal)
    const task = yield* renderer.task(options.label ?? "", { total })
    return { advance: task.advance }
  })

/** A `Renderer` drawing on `ProgressTerminal`, for the layer's life: what the CLI provides. */
export const layer = (
  options: Renderer.Options = {}
): Layer.Layer<Renderer.Renderer, never, ProgressTerminal> =>
  Layer.scoped(
    Renderer.Renderer,
    Effect.flatMap(ProgressTerminal, (terminal) => Renderer.make(terminal, options))
  )
