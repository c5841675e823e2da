/** Why a flag was not downloaded: one tagged error per kind, each carrying what it is about and its cause. */
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import type { Phase } from "./RequestPhases.js"

/**
 * Builds an error without capturing a stack trace. These errors are outcomes kept in a run's summary,
 * not bugs to debug: at 100,000 downloads their captured stacks alone held ~10 KB each (measured).
 */
export const withoutStack = <A>(make: () => A): A => {
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  try {
    return make()
  } finally {
    Error.stackTraceLimit = limit
  }
}

/** The server has no such flag (404): a NOT_FOUND status, not a failure of the run. */
export class FlagNotFound extends Data.TaggedError("FlagNotFound")<{ readonly url: string }> {
  override get message() {
    return `not found: ${this.url}`
  }
}

/** The server answered with a status other than 200 and 404. */
export class HttpStatusError extends Data.TaggedError("HttpStatusError")<{
  readonly url: string
  readonly status: number
  readonly reason: string
  /** Seconds the server asked to wait (`Retry-After`), if it did. */
  readonly retryAfter: Duration.Duration | undefined
}> {
  override get message() {
    return `HTTP error ${this.status} - ${this.reason}`
  }
}

/** What ran out of time: one phase of a request (each gets the whole timeout), or the whole download. */
export type TimedOutPhase = Phase | "total"

/** One phase of a request outlasted the timeout, or the whole download outlasted its deadline. */
export class RequestTimeout extends Data.TaggedError("RequestTimeout")<{
  readonly url: string
  readonly phase: TimedOutPhase
  /** The per-phase timeout, or for `total` the deadline of the whole download. */
  readonly timeout: Duration.Duration
}> {
  override get message() {
    return timeoutMessages[this.phase](`${Duration.toMillis(this.timeout) / 1000}s`)
  }
}

const timeoutMessages: Readonly<Record<TimedOutPhase, (seconds: string) => string>> = {
  connect: (seconds) => `timed out connecting after ${seconds}`,
  write: (seconds) => `timed out sending the request after ${seconds}`,
  response: (seconds) => `timed out waiting for the answer after ${seconds}`,
  body: (seconds) => `body stalled for ${seconds}`,
  total: (seconds) => `took longer than its deadline of ${seconds}`
}

/** The connection failed: refused, reset, closed mid-body, a refused redirect. */
export class TransportError extends Data.TaggedError("TransportError")<{
  readonly url: string
  readonly reason: string
  readonly cause?: unknown
}> {
  override get message() {
    return this.reason
  }
}

/** The body is larger than the cap. */
export class BodyTooLarge extends Data.TaggedError("BodyTooLarge")<{
  readonly url: string
  readonly limit: number
}> {
  override get message() {
    return `body larger than ${this.limit} bytes`
  }
}

/** The answer is not what was asked for (an HTML error page for an image, say). */
export class UnexpectedContentType extends Data.TaggedError("UnexpectedContentType")<{
  readonly url: string
  readonly contentType: string
}> {
  override get message() {
    return `unexpected content type ${this.contentType}`
  }
}

/** `metadata.json` is not JSON, or has no usable `country`. */
export class BadMetadata extends Data.TaggedError("BadMetadata")<{
  readonly url: string
  readonly reason: string
  readonly cause?: unknown
}> {
  override get message() {
    return `bad metadata: ${this.reason}`
  }
}

/** The image could not be written to the destination. */
export class SaveError extends Data.TaggedError("SaveError")<{
  readonly path: string
  readonly cause: unknown
}> {
  override get message() {
    const detail = (this.cause as { message?: unknown } | undefined)?.message
    return `cannot save ${this.path}${typeof detail === "string" ? `: ${detail}` : ""}`
  }
}

/** A downloaded file's digest is not the one its list gave: the file is not kept under its name. */
export class ChecksumMismatch extends Data.TaggedError("ChecksumMismatch")<{
  readonly url: string
  readonly algorithm: string
  readonly expected: string
  readonly actual: string
}> {
  override get message() {
    return `checksum mismatch: ${this.algorithm} is ${this.actual}, the list says ${this.expected}`
  }
}

/**
 * The disk (or the user's quota) is full: no later download could be saved either, so a batch stops
 * at the first, and the partial files stay for the next run to resume.
 */
export class DiskFull extends Data.TaggedError("DiskFull")<{
  readonly path: string
  readonly code: "ENOSPC" | "EDQUOT"
  readonly cause?: unknown
}> {
  override get message() {
    return `the disk is full: cannot write ${this.path}${this.code === "EDQUOT" ? " (disk quota exceeded)" : ""}`
  }
}

/** The disk-full error a failed write of `path` is, if it is one (`ENOSPC`, `EDQUOT` from Node's file system). */
export const diskFullOf = (path: string, error: unknown): DiskFull | undefined => {
  const code = (error as { readonly cause?: { readonly code?: unknown } } | undefined)?.cause?.code
  return code === "ENOSPC" || code === "EDQUOT" ? new DiskFull({ path, code, cause: error }) : undefined
}

/** Any reason a request for a flag failed. */
export type RequestError =
  | FlagNotFound
  | HttpStatusError
  | RequestTimeout
  | TransportError
  | BodyTooLarge
  | UnexpectedContentType

/** Any reason one download did not save its file: a request's failure, bad metadata, or the save. */
export type DownloadError = RequestError | BadMetadata | SaveError | ChecksumMismatch | DiskFull
