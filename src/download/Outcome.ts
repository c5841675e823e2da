/** How each download ended, and how a batch of them adds up: the book's `DownloadStatus` and counts. */
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type { DownloadError } from "./DownloadErrors.js"

/**
 * The book's `DownloadStatus`; `SKIPPED`: dest had the file already, and was asked to keep it;
 * `UNCHANGED`: revalidated with a session's `ETag` / `Last-Modified`, the server answered 304 and the
 * file was left as it is.
 */
export type Status = (typeof statuses)[number]

/** Every status, in the book's order and then the two of this project; a session journals these. */
export const statuses = ["OK", "NOT_FOUND", "ERROR", "SKIPPED", "UNCHANGED"] as const

/** How one download ended. */
export interface Outcome {
  /** What was asked for: the country code of a flag, or a URL. */
  readonly id: string
  readonly status: Status
  /** The saved file's name (inside dest), when OK or UNCHANGED; the file left in place, when SKIPPED. */
  readonly file?: string | undefined
  /** Why not, when NOT_FOUND (a `FlagNotFound`) or ERROR. */
  readonly error?: DownloadError | undefined
  /** The file's size in bytes, when OK or UNCHANGED. */
  readonly size?: number | undefined
  /** The file's SHA-256 (lowercase hex), when the run keeps a session. */
  readonly sha256?: string | undefined
  /** The server's validators for the file, as it sent them. */
  readonly etag?: string | undefined
  readonly lastModified?: string | undefined
  /** The list's checksum the saved file matched (`sha-512=HEX`), when the list gave one. */
  readonly checksum?: string | undefined
  /** Taken from a resumed session's journal without a request: done (its file proved) or not found before. */
  readonly resumed?: boolean | undefined
}

/** A download whose file is in dest: saved, already there and kept, or revalidated unchanged. */
export interface Saved extends Outcome {
  readonly status: "OK" | "SKIPPED" | "UNCHANGED"
  readonly file: string
}

/** Counts per status, each download's outcome, and how long it all took. */
export interface Summary {
  /** OK outcomes, the resumed ones included. */
  readonly ok: number
  readonly notFound: number
  readonly error: number
  readonly skipped: number
  readonly unchanged: number
  /** OK outcomes resumed from a session: already done, not requested. */
  readonly resumed: number
  readonly outcomes: ReadonlyArray<Outcome>
  readonly elapsed: Duration.Duration
}

/** Whether the outcome's file is in dest. */
const isSaved = (outcome: Outcome): outcome is Saved =>
  (outcome.status === "OK" || outcome.status === "SKIPPED" || outcome.status === "UNCHANGED") &&
  outcome.file !== undefined

/**
 * The outcome as an effect: its file when in dest (saved, kept: SKIPPED, or UNCHANGED), its typed error
 * otherwise, so `Effect.catchTag` reaches `FlagNotFound`, `RequestTimeout`, …:
 * `downloadOne("BR", config).pipe(Effect.flatMap(Outcome.toEffect), Effect.catchTag("FlagNotFound", …))`.
 */
export const toEffect = (outcome: Outcome): Effect.Effect<Saved, DownloadError> =>
  isSaved(outcome) ? Effect.succeed(outcome) : Effect.fail(outcome.error as DownloadError)

/** Counts outcomes by status. */
export const summarize = (outcomes: ReadonlyArray<Outcome>, elapsed: Duration.Duration): Summary => {
  let ok = 0
  let notFound = 0
  let error = 0
  let skipped = 0
  let unchanged = 0
  let resumed = 0
  for (const outcome of outcomes) {
    if (outcome.status === "OK") {
      ok++
      if (outcome.resumed === true) resumed++
    } else if (outcome.status === "NOT_FOUND") notFound++
    else if (outcome.status === "SKIPPED") skipped++
    else if (outcome.status === "UNCHANGED") unchanged++
    else error++
  }
  return { ok, notFound, error, skipped, unchanged, resumed, outcomes, elapsed }
}
