/** Why a flag was not downloaded: one tagged error per kind, each wrapped per code in `FetchError`. */
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"

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

/** No complete answer within the timeout. */
export class RequestTimeout extends Data.TaggedError("RequestTimeout")<{
  readonly url: string
  readonly timeout: Duration.Duration
}> {
  override get message() {
    return `timed out after ${Duration.toMillis(this.timeout) / 1000}s`
  }
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

/** Any reason a request for a flag failed. */
export type RequestError =
  | FlagNotFound
  | HttpStatusError
  | RequestTimeout
  | TransportError
  | BodyTooLarge
  | UnexpectedContentType

/** Why one code's download failed, as the book's `FetchError(cc)`, with the original as `cause`. */
export class FetchError extends Data.TaggedError("FetchError")<{
  readonly cc: string
  readonly cause: RequestError | BadMetadata | SaveError
}> {
  override get message() {
    return `${this.cc} ${this.cause._tag === "FlagNotFound" ? "" : "error: "}${this.cause.message}`
  }
}
