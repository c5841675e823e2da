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
  bandwidth?: Bandwidth.Bandwidth
): Effect.Effect<Received, RequestError> =>
  Effect.flatMap(currentTracker, (tracker) =>
    Effect.flatMap(
      Effect.mapError(
        conditions === undefined ? client.get(url) : client.get(url, { headers: conditions }),
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
