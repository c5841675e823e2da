/**
 * One request and what its answer means: the body of a 200 whose type fits (with the server's
 * validators), a 304 to a conditional request, a `FlagNotFound` for a 404,
 * an `HttpStatusError` (with its `Retry-After`) for any other status, a `TransportError` saying why a
 * connection failed; redirects followed by the `Redirects` policy, error bodies read so connections
 * are reused. The hot path: no generator.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Bandwidth from "../Bandwidth.js"
import {
  BodyTooLarge,
  FlagNotFound,
  HttpStatusError,
  type RequestError,
  TransportError,
  UnexpectedContentType,
  withoutStack
} from "../DownloadErrors.js"
import * as Redirects from "../Redirects.js"
import { currentTracker, type PhaseTracker } from "../RequestPhases.js"
import { type Oversized, readCapped } from "./cappedBody.js"
import { acceptsContentType, type Expected } from "./contentTypes.js"
import { reasonOf } from "./statusReasons.js"
import { describeTransport } from "./transportReason.js"

/** Error and redirect answers are read (within a small cap) so their connection is free for the next request. */
const errorBodyCap = 64 * 1024

type ClientFailure = HttpClientError.HttpClientError | Redirects.RedirectRefused | Redirects.TooManyRedirects

const transport = (url: string, error: ClientFailure) =>
  withoutStack(() => {
    const reason =
      error._tag === "RequestError" || error._tag === "ResponseError"
        ? describeTransport(error)
        : error.message
    return new TransportError({ url, reason, cause: error })
  })

const tooLarge = (url: string, maxBytes: number) =>
  withoutStack(() => new BodyTooLarge({ url, limit: maxBytes }))

/** Retry-After in seconds or as an HTTP date, measured against Effect's clock. */
const retryAfterOf = (header: string | undefined) => {
  if (header === undefined) return Effect.succeed(undefined)
  if (/^\d+$/.test(header.trim())) return Effect.succeed(Duration.seconds(Number(header)))
  const at = Date.parse(header)
  if (Number.isNaN(at)) return Effect.succeed(undefined)
  return Effect.map(Clock.currentTimeMillis, (now) => Duration.millis(Math.max(0, at - now)))
}

/** What a non-200 answer means: 404 is a flag not found; any other status an error, with its `Retry-After`. */
const statusFailure = (
  url: string,
  status: number,
  retryAfter: string | undefined
): Effect.Effect<never, FlagNotFound | HttpStatusError> =>
  status === 404
    ? Effect.fail(withoutStack(() => new FlagNotFound({ url })))
    : Effect.flatMap(retryAfterOf(retryAfter), (after) =>
        Effect.fail(
          withoutStack(
            () => new HttpStatusError({ url, status, reason: reasonOf(status), retryAfter: after })
          )
        )
      )

const bodyOf = (
  url: string,
  response: HttpClientResponse.HttpClientResponse,
  maxBytes: number,
  tracker: PhaseTracker | undefined,
  bodyProgress: boolean,
  bandwidth?: Bandwidth.Bandwidth
): Effect.Effect<Uint8Array, RequestError> =>
  Effect.mapError(
    readCapped(response, maxBytes, tracker, bodyProgress, bandwidth),
    (error: HttpClientError.ResponseError | Oversized) =>
      error._tag === "Oversized" ? tooLarge(url, maxBytes) : transport(url, error)
  )

/**
 * What a GET received: a 200's body, or a 304's "keep yours" (only to a request with conditions), with
 * the server's validators.
 */
export interface Received {
  /** The body of a 200; `undefined` for a 304 Not Modified. */
  readonly body: Uint8Array | undefined
  readonly etag: string | undefined
  readonly lastModified: string | undefined
}

/**
 * One request and what its answer means (the hot path: no generator). With `conditions`
 * (`If-None-Match`, `If-Modified-Since`), a 304 is an answer; without, it is a status like any other.
 */
export const request = (
  client: HttpClient.HttpClient.With<ClientFailure>,
  url: string,
  maxBytes: number,
  expected: Expected,
  conditions: Readonly<Record<string, string>> | undefined,
  bodyProgress: boolean,
  bandwidth?: Bandwidth.Bandwidth,
  headers?: Readonly<Record<string, string>>
): Effect.Effect<Received, RequestError> =>
  Effect.flatMap(currentTracker, (tracker) =>
    Effect.flatMap(
      Effect.mapError(
        conditions === undefined && headers === undefined
          ? client.get(url)
          : client.get(url, { headers: { ...headers, ...conditions } }),
        (error) => transport(url, error)
      ),
      (response): Effect.Effect<Received, RequestError> => {
        // each read of `headers` converts the platform's headers anew: read them once
        const headers = response.headers
        const status = response.status
        if (status === 200) {
          const contentType = headers["content-type"]
          if (acceptsContentType(expected, contentType)) {
            // only a file's body takes from the shared bandwidth: error bodies are small, and drained
            return Effect.map(bodyOf(url, response, maxBytes, tracker, bodyProgress, bandwidth), (body) => ({
              body,
              etag: headers.etag,
              lastModified: headers["last-modified"]
            }))
          }
          return Effect.zipRight(
            Effect.ignore(bodyOf(url, response, errorBodyCap, tracker, bodyProgress)),
            Effect.fail(
              withoutStack(() => new UnexpectedContentType({ url, contentType: contentType ?? "" }))
            )
          )
        }
        if (status === 304 && conditions !== undefined) {
          const received = { body: undefined, etag: headers.etag, lastModified: headers["last-modified"] }
          return Effect.as(
            Effect.ignore(bodyOf(url, response, errorBodyCap, tracker, bodyProgress)),
            received
          )
        }
        return Effect.zipRight(
          Effect.ignore(bodyOf(url, response, errorBodyCap, tracker, bodyProgress)),
          statusFailure(url, status, headers["retry-after"])
        )
      }
    )
  )

/**
 * What a request for a file on disk (maybe with `Range`) received: the whole body (a 200), the rest of
 * it from `start` (a 206), word that the range starts past its end (a 416, with the length it gave),
 * or that the copy asked about with `If-None-Match` / `If-Modified-Since` is current (a 304).
 */
export type Ranged =
  | {
      readonly _tag: "Whole"
      readonly response: HttpClientResponse.HttpClientResponse
      readonly etag: string | undefined
      readonly lastModified: string | undefined
      readonly length: number | undefined
      /** The answer's `Content-Disposition`, as sent. */
      readonly disposition: string | undefined
    }
  | {
      readonly _tag: "Rest"
      readonly response: HttpClientResponse.HttpClientResponse
      readonly start: number
      readonly length: number | undefined
    }
  | { readonly _tag: "PastEnd"; readonly length: number | undefined }
  | {
      readonly _tag: "NotModified"
      readonly etag: string | undefined
      readonly lastModified: string | undefined
    }

const isResponseError = (error: unknown): error is HttpClientError.ResponseError =>
  typeof error === "object" && error !== null && (error as { _tag?: unknown })._tag === "ResponseError"

const lengthOf = (header: string | undefined) => {
  const n = header === undefined || !/^\d+$/.test(header.trim()) ? Number.NaN : Number(header)
  return Number.isSafeInteger(n) ? n : undefined
}

/** `Content-Range: bytes START-END/LENGTH` (or `*` for an unknown length); `bytes *\/LENGTH` of a 416. */
const contentRange = (header: string | undefined) => {
  const match = /^\s*bytes\s+(?:(\d+)-(\d+)|\*)\s*\/\s*(\d+|\*)\s*$/i.exec(header ?? "")
  if (match === null) return undefined
  return {
    start: match[1] === undefined ? undefined : Number(match[1]),
    length: lengthOf(match[3] === "*" ? undefined : match[3])
  }
}

/**
 * One request for a file written to disk, with `headers` (a `Range` among them, maybe), its body left
 * to `onAnswer`; any other answer means what it means in `request` (404, statuses, transport). A 206
 * without a `Content-Range` it can read is the server's error.
 */
export const requestRanged = <A, E, R>(
  client: HttpClient.HttpClient.With<ClientFailure>,
  url: string,
  expected: Expected,
  headers: Readonly<Record<string, string>>,
  onAnswer: (
    answer: Ranged,
    tracker: PhaseTracker | undefined
  ) => Effect.Effect<A, RequestError | HttpClientError.ResponseError | E, R>
): Effect.Effect<A, RequestError | E, R> =>
  Effect.flatMap(currentTracker, (tracker) =>
    Effect.flatMap(
      Effect.mapError(client.get(url, { headers }), (error) => transport(url, error)),
      (response): Effect.Effect<A, RequestError | E, R> => {
        const received = response.headers
        const status = response.status
        const answered = (answer: Ranged) =>
          Effect.mapError(onAnswer(answer, tracker), (error) =>
            isResponseError(error) ? transport(url, error) : error
          )
        const drained = Effect.ignore(bodyOf(url, response, errorBodyCap, tracker, false))
        if (status === 200 || status === 206) {
          const contentType = received["content-type"]
          if (!acceptsContentType(expected, contentType)) {
            return Effect.zipRight(
              drained,
              Effect.fail(
                withoutStack(() => new UnexpectedContentType({ url, contentType: contentType ?? "" }))
              )
            )
          }
        }
        if (status === 200) {
          return answered({
            _tag: "Whole",
            response,
            etag: received.etag,
            lastModified: received["last-modified"],
            length: lengthOf(received["content-length"]),
            disposition: received["content-disposition"]
          })
        }
        if (status === 206) {
          const range = contentRange(received["content-range"])
          if (range?.start === undefined) {
            return Effect.zipRight(
              drained,
              Effect.fail(
                withoutStack(
                  () =>
                    new HttpStatusError({
                      url,
                      status,
                      reason: "Partial Content without a Content-Range",
                      retryAfter: undefined
                    })
                )
              )
            )
          }
          return answered({ _tag: "Rest", response, start: range.start, length: range.length })
        }
        if (
          status === 304 &&
          (headers["if-none-match"] !== undefined || headers["if-modified-since"] !== undefined)
        ) {
          return Effect.zipRight(
            drained,
            answered({ _tag: "NotModified", etag: received.etag, lastModified: received["last-modified"] })
          )
        }
        if (status === 416) {
          return Effect.zipRight(
            drained,
            answered({ _tag: "PastEnd", length: contentRange(received["content-range"])?.length })
          )
        }
        return Effect.zipRight(drained, statusFailure(url, status, received["retry-after"]))
      }
    )
  )

// one redirect-following client per client the app provides, built once
const following = new WeakMap<HttpClient.HttpClient, HttpClient.HttpClient.With<ClientFailure>>()
export const redirecting = (client: HttpClient.HttpClient) => {
  let wrapped = following.get(client)
  if (wrapped === undefined) {
    wrapped = Redirects.follow()(client)
    following.set(client, wrapped)
  }
  return wrapped
}
