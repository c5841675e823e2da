/** One HTTP GET for a flag or its metadata: bytes, or a typed error saying why not. */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import {
  BodyTooLarge,
  FlagNotFound,
  HttpStatusError,
  type RequestError,
  RequestTimeout,
  TransportError,
  UnexpectedContentType,
  withoutStack
} from "./DownloadErrors.js"
import { withSpanWhenTraced } from "./internal/spans.js"

/** How requests are made. */
export interface RequestOptions {
  /** Per request, retries excluded (the book's 3.1 s). */
  readonly timeout: Duration.Duration
  /** Attempts after the first for transient failures (timeouts, broken transfers, 429, 5xx). */
  readonly retries: number
  /** Largest body accepted, in bytes. */
  readonly maxBytes: number
}

/** Whether a 200's `Content-Type` can carry what was asked for: `image` or `json`. */
export const acceptsContentType = (expected: "image" | "json", contentType: string | undefined): boolean => {
  if (contentType === undefined) return true
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? ""
  if (type === "" || type === "application/octet-stream" || type === "binary/octet-stream") return true
  return expected === "image" ? type.startsWith("image/") : type.includes("json") || type === "text/plain"
}

/** The defaults: the book's timeout, no retries, 10 MB bodies. */
export const defaultRequestOptions: RequestOptions = {
  timeout: Duration.millis(3100),
  retries: 0,
  maxBytes: 10 * 1024 * 1024
}

const maxRedirects = 5

const reasons: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  408: "Request Timeout",
  410: "Gone",
  418: "I'm a Teapot",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout"
}

const describeTransport = (cause: unknown): string => {
  const seen = new Set<unknown>()
  let current = cause
  while (typeof current === "object" && current !== null && !seen.has(current)) {
    seen.add(current)
    const code = (current as { code?: unknown }).code
    if (code === "ECONNREFUSED") return "connection refused"
    if (code === "ECONNRESET") return "connection reset"
    if (code === "UND_ERR_SOCKET" || code === "ECONNABORTED") return "connection closed mid-transfer"
    if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "host not found"
    if (code === "UND_ERR_REQ_CONTENT_LENGTH_MISMATCH" || code === "UND_ERR_RES_CONTENT_LENGTH_MISMATCH") {
      return "body shorter than its Content-Length"
    }
    // the CLI's node:http client (internal/nodeHttpClient.ts) says which of the two it was
    if (code === "ERR_INCOMPLETE_BODY" && current instanceof Error) return current.message
    if (typeof code === "string" && code.startsWith("HPE_")) return "malformed HTTP answer"
    current = (current as { cause?: unknown }).cause
  }
  return cause instanceof Error ? cause.message : "transfer failed"
}

const transport = (url: string) => (error: HttpClientError.HttpClientError) =>
  withoutStack(
    () => new TransportError({ url, reason: describeTransport(error.cause ?? error), cause: error })
  )

/** Retry-After in seconds or as an HTTP date, measured against Effect's clock. */
const retryAfterOf = (header: string | undefined) => {
  if (header === undefined) return Effect.succeed(undefined)
  if (/^\d+$/.test(header.trim())) return Effect.succeed(Duration.seconds(Number(header)))
  const at = Date.parse(header)
  if (Number.isNaN(at)) return Effect.succeed(undefined)
  return Effect.map(Clock.currentTimeMillis, (now) => Duration.millis(Math.max(0, at - now)))
}

const readBody = (
  url: string,
  response: HttpClientResponse.HttpClientResponse,
  contentLength: string | undefined,
  maxBytes: number
): Effect.Effect<Uint8Array, RequestError> => {
  const declared = Number(contentLength)
  if (declared > maxBytes) return Effect.fail(withoutStack(() => new BodyTooLarge({ url, limit: maxBytes })))
  if (contentLength !== undefined && Number.isFinite(declared)) {
    return Effect.mapBoth(response.arrayBuffer, {
      onFailure: transport(url),
      onSuccess: (buffer) => new Uint8Array(buffer)
    })
  }
  // no length announced (chunked): count as it comes, and stop at the cap
  const chunks: Array<Uint8Array> = []
  return response.stream.pipe(
    Stream.mapError(transport(url)),
    Stream.runFoldEffect(0, (size, chunk): Effect.Effect<number, RequestError> => {
      if (size + chunk.length > maxBytes) {
        return Effect.fail(withoutStack(() => new BodyTooLarge({ url, limit: maxBytes })))
      }
      chunks.push(chunk)
      return Effect.succeed(size + chunk.length)
    }),
    Effect.map((size) => {
      const body = new Uint8Array(size)
      let offset = 0
      for (const chunk of chunks) {
        body.set(chunk, offset)
        offset += chunk.length
      }
      return body
    })
  )
}

const isSameOrigin = (from: URL, to: URL) => from.protocol === to.protocol && from.host === to.host

/** Error and redirect answers are read (within a small cap) so their connection is free for the next request. */
const errorBodyCap = 64 * 1024

/** One request and what its answer means, following same-origin redirects (the hot path: no generator). */
const follow = (
  client: HttpClient.HttpClient,
  url: string,
  current: string | URL,
  redirects: number,
  options: RequestOptions,
  expected: "image" | "json"
): Effect.Effect<Uint8Array, RequestError> =>
  Effect.flatMap(Effect.mapError(client.get(current), transport(url)), (response) => {
    // each read of `headers` converts the platform's headers anew: read them once
    const headers = response.headers
    const status = response.status
    if (status === 200) {
      const contentType = headers["content-type"]
      if (acceptsContentType(expected, contentType)) {
        return readBody(url, response, headers["content-length"], options.maxBytes)
      }
      return Effect.zipRight(
        Effect.ignore(readBody(url, response, headers["content-length"], errorBodyCap)),
        Effect.fail(withoutStack(() => new UnexpectedContentType({ url, contentType: contentType ?? "" })))
      )
    }
    const location = headers.location
    if (status >= 300 && status < 400 && location !== undefined) {
      const from = typeof current === "string" ? new URL(current) : current
      const next = new URL(location, from)
      if (redirects >= maxRedirects) {
        return Effect.fail(withoutStack(() => new TransportError({ url, reason: "too many redirects" })))
      }
      if (!isSameOrigin(from, next)) {
        const origin = next.origin === "null" ? next.protocol : next.origin
        return Effect.fail(
          withoutStack(
            () => new TransportError({ url, reason: `redirect to another origin refused: ${origin}` })
          )
        )
      }
      // the redirect's own body is read too, so its connection serves the next request
      return Effect.zipRight(
        Effect.ignore(readBody(url, response, headers["content-length"], errorBodyCap)),
        follow(client, url, next, redirects + 1, options, expected)
      )
    }
    const failure: Effect.Effect<never, RequestError> =
      status === 404
        ? Effect.fail(withoutStack(() => new FlagNotFound({ url })))
        : Effect.flatMap(retryAfterOf(headers["retry-after"]), (retryAfter) =>
            Effect.fail(
              withoutStack(
                () =>
                  new HttpStatusError({
                    url,
                    status,
                    reason: reasons[status] ?? "Unexpected Status",
                    retryAfter
                  })
              )
            )
          )
    return Effect.zipRight(
      Effect.ignore(readBody(url, response, headers["content-length"], errorBodyCap)),
      failure
    )
  })

const attempt = (url: string, options: RequestOptions, expected: "image" | "json") =>
  Effect.flatMap(HttpClient.HttpClient, (client) => follow(client, url, url, 0, options, expected)).pipe(
    Effect.timeoutFail({
      duration: options.timeout,
      onTimeout: () => withoutStack(() => new RequestTimeout({ url, timeout: options.timeout }))
    })
  )

/** Failures worth another try: the server or the network may answer differently next time. */
export const isTransient = (error: RequestError): boolean => {
  switch (error._tag) {
    case "RequestTimeout":
    case "TransportError":
      return true
    case "HttpStatusError":
      return error.status === 408 || error.status === 429 || error.status >= 500
    default:
      return false
  }
}

/** Exponential backoff with jitter, never shorter than the server's `Retry-After`. */
export const retrySchedule = (retries: number) =>
  Schedule.exponential("200 millis").pipe(
    Schedule.jittered,
    Schedule.intersect(Schedule.recurs(retries)),
    Schedule.intersect(
      Schedule.identity<RequestError>().pipe(
        Schedule.addDelay((error) =>
          error._tag === "HttpStatusError" && error.retryAfter !== undefined
            ? error.retryAfter
            : Duration.zero
        )
      )
    ),
    Schedule.whileInput(isTransient)
  )

/**
 * GETs `url`: the body of a 200 whose type fits `expected`, or why not. Redirects are followed
 * within the same origin only.
 */
export const get = (
  url: string,
  options: RequestOptions = defaultRequestOptions,
  expected: "image" | "json" = "image"
) => {
  const once = attempt(url, options, expected)
  return (options.retries > 0 ? Effect.retry(once, retrySchedule(options.retries)) : once).pipe(
    withSpanWhenTraced("FlagClient.get", { url })
  )
}
