/** How each download ended, and how a batch of them adds up: the book's `DownloadStatus` and counts. */
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type { DownloadError } from "./DownloadErrors.js"

/** The book's `DownloadStatus`, and `SKIPPED`: dest had the file already, and was asked to keep it. */
export type Status = "OK" | "NOT_FOUND" | "ERROR" | "SKIPPED"

/** How one download ended. */
export interface Outcome {
  /** What was asked for: the country code of a flag, or a URL. */
  readonly id: string
  readonly status: Status
  /** The saved file's name (inside dest), when OK; the file left in place, when SKIPPED. */
  readonly file?: string | undefined
  /** Why not, when NOT_FOUND (a `FlagNotFound`) or ERROR. */
  readonly error?: DownloadError | undefined
}

/** A download whose file is in dest: saved, or already there and kept. */
export interface Saved extends Outcome {
  readonly status: "OK" | "SKIPPED"
  readonly file: string
}

/** Counts per status, each download's outcome, and how long it all took. */
export interface Summary {
  readonly ok: number
  readonly notFound: number
  readonly error: number
  readonly skipped: number
  readonly outcomes: ReadonlyArray<Outcome>
  readonly elapsed: Duration.Duration
}

/**
 * The outcome as an effect: its file when saved (or left in place, SKIPPED), its typed error otherwise, so `Effect.catchTag`
 * reaches `FlagNotFound`, `RequestTimeout`, …:
 * `downloadOne("BR", config).pipe(Effect.flatMap(Outcome.toEffect), Effect.catchTag("FlagNotFound", …))`.
 */
export const toEffect = (outcome: Outcome): Effect.Effect<Saved, DownloadError> =>
  (outcome.status === "OK" || outcome.status === "SKIPPED") && outcome.file !== undefined
    ? Effect.succeed(outcome as Saved)
    : Effect.fail(outcome.error as DownloadError)

/** Counts outcomes by status. */
export const summarize = (outcomes: ReadonlyArray<Outcome>, elapsed: Duration.Duration): Summary => {
  let ok = 0
  let notFound = 0
  let error = 0
  let skipped = 0
  for (const outcome of outcomes) {
    if (outcome.status === "OK") ok++
    else if (outcome.status === "NOT_FOUND") notFound++
    else if (outcome.status === "SKIPPED") skipped++
    else error++
  }
  return { ok, notFound, error, skipped, outcomes, elapsed }
}
