/** How each download ended, and how a batch of them adds up: the book's `DownloadStatus` and counts. */
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type { DownloadError } from "./DownloadErrors.js"

/** The book's `DownloadStatus`. */
export type Status = "OK" | "NOT_FOUND" | "ERROR"

/** How one download ended. */
export interface Outcome {
  /** What was asked for: the country code of a flag. */
  readonly id: string
  readonly status: Status
  /** The saved file's name (inside dest), when OK. */
  readonly file?: string | undefined
  /** Why not, when NOT_FOUND (a `FlagNotFound`) or ERROR. */
  readonly error?: DownloadError | undefined
}

/** A download that saved its file. */
export interface Saved extends Outcome {
  readonly status: "OK"
  readonly file: string
}

/** Counts per status, each download's outcome, and how long it all took. */
export interface Summary {
  readonly ok: number
  readonly notFound: number
  readonly error: number
  readonly outcomes: ReadonlyArray<Outcome>
  readonly elapsed: Duration.Duration
}

/**
 * The outcome as an effect: its file when saved, its typed error otherwise, so `Effect.catchTag`
 * reaches `FlagNotFound`, `RequestTimeout`, …:
 * `downloadOne("BR", config).pipe(Effect.flatMap(Outcome.toEffect), Effect.catchTag("FlagNotFound", …))`.
 */
export const toEffect = (outcome: Outcome): Effect.Effect<Saved, DownloadError> =>
  outcome.status === "OK" && outcome.file !== undefined
    ? Effect.succeed(outcome as Saved)
    : Effect.fail(outcome.error as DownloadError)

/** Counts outcomes by status. */
export const summarize = (outcomes: ReadonlyArray<Outcome>, elapsed: Duration.Duration): Summary => {
  let ok = 0
  let notFound = 0
  let error = 0
  for (const outcome of outcomes) {
    if (outcome.status === "OK") ok++
    else if (outcome.status === "NOT_FOUND") notFound++
    else error++
  }
  return { ok, notFound, error, outcomes, elapsed }
}
