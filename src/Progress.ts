/** A tqdm-like progress bar drawn on its own `Terminal` (stderr in the CLI), at most 10 times a second. */
import type * as Terminal from "@effect/platform/Terminal"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"

/** Where progress is drawn: the CLI provides stderr, so stdout keeps the report alone. */
export class ProgressTerminal extends Context.Tag("effect-flags/ProgressTerminal")<
  ProgressTerminal,
  Terminal.Terminal
>() {}

const clock = (seconds: number) => {
  const s = Math.max(0, Math.round(seconds))
  const mm = String(Math.floor(s / 60) % 60).padStart(2, "0")
  const ss = String(s % 60).padStart(2, "0")
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm}:${ss}` : `${mm}:${ss}`
}

/** One line of the bar: ` 37%|███▋      | 250/676 [00:00<00:01, 812.45it/s]`. */
export const renderBar = (done: number, total: number, elapsedMs: number, width = 25): string => {
  const fraction = total === 0 ? 1 : done / total
  const eighths = Math.floor(fraction * width * 8)
  const partial = eighths % 8 === 0 ? "" : (" ▏▎▍▌▋▊▉"[eighths % 8] ?? "")
  const bar = `${"█".repeat(Math.floor(eighths / 8))}${partial}`.padEnd(width)
  const seconds = elapsedMs / 1000
  const rate = seconds > 0 ? done / seconds : 0
  const eta = rate > 0 ? clock((total - done) / rate) : "?"
  const percent = `${String(Math.floor(fraction * 100)).padStart(3)}%`
  return `${percent}|${bar}| ${done}/${total} [${clock(seconds)}<${eta}, ${rate.toFixed(2)}it/s]`
}

/** A running bar: `advance` is all a completion costs; the drawing happens on its own fiber. */
export interface ProgressBar {
  readonly advance: Effect.Effect<void>
}

/**
 * Draws a bar for `total` items until the scope closes, then draws it a last time. On a terminal
 * it redraws in place every 100 ms when the count changed; elsewhere it writes a plain line every
 * `plainEvery` (default 1 s) when it changed, never a `\r`.
 */
export const make = (total: number, options: { readonly plainEvery?: Duration.DurationInput } = {}) =>
  Effect.gen(function* () {
    const terminal = yield* ProgressTerminal
    const isTTY = yield* terminal.isTTY
    const done = yield* Ref.make(0)
    const started = yield* Clock.currentTimeMillis
    let drawn = -1
    const draw = (final: boolean) =>
      Effect.gen(function* () {
        const count = yield* Ref.get(done)
        if (count === drawn && !final) return
        drawn = count
        const line = renderBar(count, total, (yield* Clock.currentTimeMillis) - started)
        yield* Effect.ignore(terminal.display(isTTY ? `\r${line}${final ? "\n" : ""}` : `${line}\n`))
      })
    const every = isTTY ? Duration.millis(100) : Duration.decode(options.plainEvery ?? "1 second")
    yield* draw(false)
    yield* Effect.forkScoped(Effect.forever(Effect.zipRight(Effect.sleep(every), draw(false))))
    yield* Effect.addFinalizer(() => draw(true))
    return { advance: Ref.update(done, (n) => n + 1) } satisfies ProgressBar
  })
