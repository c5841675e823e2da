/** A `Terminal` for tests that records every write with the Effect-clock time it happened at. */
import * as Terminal from "@effect/platform/Terminal"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"

/** One write: the text, and the Clock milliseconds it was written at. */
export interface Write {
  readonly at: number
  readonly text: string
}

/** What a recording terminal saw: every write in order, and all of it as one string. */
export interface RecordingTerminal {
  readonly writes: Effect.Effect<ReadonlyArray<Write>>
  readonly output: Effect.Effect<string>
}

/** A `Terminal` of `columns` (default 80) that records its writes, and its recording. */
export const make = (options: { readonly isTTY: boolean; readonly columns?: number }) =>
  Effect.gen(function* () {
    const writes = yield* Ref.make<ReadonlyArray<Write>>([])
    const terminal = Terminal.Terminal.of({
      columns: Effect.succeed(options.columns ?? 80),
      rows: Effect.succeed(24),
      isTTY: Effect.succeed(options.isTTY),
      readInput: Effect.dieMessage("RecordingTerminal has no input"),
      readLine: Effect.dieMessage("RecordingTerminal has no input"),
      display: (text) =>
        Clock.currentTimeMillis.pipe(
          Effect.flatMap((at) => Ref.update(writes, (all) => [...all, { at, text }]))
        )
    })
    const recording: RecordingTerminal = {
      writes: Ref.get(writes),
      output: Effect.map(Ref.get(writes), (all) => all.map((w) => w.text).join(""))
    }
    return { terminal, recording }
  })

/** Provides a recording terminal to `use` and hands it the recording. */
export const withRecordingTerminal = <A, E, R>(
  options: { readonly isTTY: boolean; readonly columns?: number },
  use: (recording: RecordingTerminal) => Effect.Effect<A, E, R>
) =>
  Effect.flatMap(make(options), ({ terminal, recording }) =>
    Effect.provide(use(recording), Layer.succeed(Terminal.Terminal, terminal))
  )
