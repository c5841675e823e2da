/** One HTTP GET of any URL (a flag, its metadata, a listed file): the bytes, or a typed error saying why not. */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import type * as Bandwidth from "./Bandwidth.js"
import { type HttpStatusError, type RequestError, RequestTimeout, withoutStack } from "./DownloadErrors.js"
import * as HostPolicy from "./HostPolicy.js"
import type { Expected } from "./internal/contentTypes.js"
import { type Deadlines, withDeadlines } from "./internal/deadlines.js"
import { type Ranged, type Received, redirecting, request, requestRanged } from "./internal/request.js"
import { withSpanWhenTraced } from "./internal/spans.js"
import * as RequestPhases from "./RequestPhases.js"

/** How requests are made. */
export interface RequestOptions {
  /**
   * How long each phase of a request may take (the book's 3.1 s, as httpx counts it): connecting,
   * sending the request, waiting for the answer's first byte, and every gap between body bytes.
   */
  readonly timeout: Duration.Duration
  /** A deadline on a whole download, every request and retry included (curl's `--max-time`); none by default. */
  readonly maxTime?: Duration.Duration | undefined
  /** Attempts after the first for transient failures (timeouts, broken transfers, 408, 429, 5xx). */
  readonly retries: number
  /** Largest body accepted, in bytes. */
  readonly maxBytes: number
  /** One budget of bytes per second shared by every body read with it (`--limit-rate`); none by default. */
  readonly bandwidth?: Bandwidth.Bandwidth | undefined
  /** Headers sent with every request (`-H`). */
  readonly headers?: Readonly<Record<string, string>> | undefined
}

/**
 * What a batch puts around each of its requests, passed to them as a value: one timer for all their
 * deadlines, and with a host policy, each host's gate (pause, rate) and the batch's request slots
 * (taken after the gate, so a request waiting for its host holds no slot another host could use).
 */
export interface Gate {
  readonly deadlines: Deadlines
  readonly policy?: HostPolicy.HostPolicy | undefined
  readonly slots?: Effect.Semaphore | undefined
}

/** A request's options, and the gate of the batch it belongs to, if any. */
export type GatedOptions = RequestOptions & { readonly gate?: Gate | undefined }

/** The defaults: the book's 3.1 s per phase, no deadline, no retries, bodies up to 10 MiB. */
export const defaultRequestOptions: RequestOptions = {
  timeout: Duration.millis(3100),
  retries: 0,
  maxBytes: 10 * 1024 * 1024
}

export type { Ranged, Received } from "./internal/request.js"

/** A failure a retry looks at: a request's, or another (a write's) that is never retried. */
type Failure = RequestError | { readonly _tag: string }

const isHttpStatus = (error: Failure): error is HttpStatusError => error._tag === "HttpStatusError"

/** How one attempt asks: the client (redirects followed), and whether it reports its body's progress. */
type Asking<A, E, R> = (
  client: ReturnType<typeof redirecting>,
  bodyProgress: boolean
) => Effect.Effect<A, E, R>

const attempt = <A, E extends Failure, R>(url: string, options: GatedOptions, ask: Asking<A, E, R>) => {
  const watched = watchedAttempt(url, options, ask)
  const policy = options.gate?.policy
  return policy === undefined ? watched : polite(policy, options.gate?.slots, url, watched)
}

/**
 * An attempt within its host's policy: the gate (pause, rate) first, then a slot of the batch's, then
 * the request; a 429 or 503 pauses the host for every request to it.
 */
const polite = <A, E extends Failure, R>(
  policy: HostPolicy.HostPolicy,
  slots: Effect.Semaphore | undefined,
  url: string,
  self: Effect.Effect<A, E, R>
) => {
  const host = HostPolicy.hostOf(url)
  return Effect.zipRight(policy.gate(host), slots === undefined ? self : slots.withPermits(1)(self)).pipe(
    Effect.tapBoth({
      onFailure: (error: E) =>
        isHttpStatus(error) && (error.status === 429 || error.status === 503)
          ? policy.throttled(host, error.retryAfter)
          : Effect.void,
      onSuccess: () => Effect.sync(() => policy.answered(host))
    })
  )
}

const unreported: RequestPhases.Reports = { stopsOnTimeout: false, bodyProgress: false }

const watchedAttempt = <A, E, R>(url: string, options: GatedOptions, ask: Asking<A, E, R>) =>
  Effect.contextWithEffect((context: Context.Context<HttpClient.HttpClient>) => {
    const client = Context.get(context, HttpClient.HttpClient)
    const reports = Context.getOrElse(context, RequestPhases.Reporting, () => unreported)
    return withDeadlines(options.gate?.deadlines, (deadlines) =>
      deadlines.watch(
        ask(redirecting(client), reports.bodyProgress),
        Duration.toMillis(options.timeout),
        (phase) =>
          withoutStack(
            () =>
              new RequestTimeout({
                url,
                phase: phase === "total" ? "response" : phase,
                timeout: options.timeout
              })
          ),
        // a client that stops its own waits runs in this fiber; any other in one the deadline can interrupt
        { inPlace: reports.stopsOnTimeout }
      )
    )
  })

/** Failures worth another try: the server or the network may answer differently next time. */
const isTransient = (error: Failure): boolean => {
  switch (error._tag) {
    case "RequestTimeout":
    case "TransportError":
      return true
    default:
      return isHttpStatus(error) && (error.status === 408 || error.status === 429 || error.status >= 500)
  }
}

/** Exponential backoff with jitter, never shorter than the server's `Retry-After`. */
const retrySchedule = (retries: number) =>
  Schedule.exponential("200 millis").pipe(
    Schedule.jittered,
    Schedule.intersect(Schedule.recurs(retries)),
    Schedule.intersect(
      Schedule.identity<Failure>().pipe(
        Schedule.addDelay((error) =>
          isHttpStatus(error) && error.retryAfter !== undefined ? error.retryAfter : Duration.zero
        )
      )
    ),
    Schedule.whileInput(isTransient)
  )

/**
 * GETs `url`: the body of a 200 whose type fits `expected`, or why not. Each phase of each attempt gets
 * `options.timeout`; redirects are followed as `Redirects.isFollowed` allows.
 */
export const get = (
  url: string,
  options: GatedOptions = defaultRequestOptions,
  expected: Expected = "image"
): Effect.Effect<Uint8Array, RequestError, HttpClient.HttpClient> =>
  Effect.map(getReceived(url, options, expected), (received) => received.body as Uint8Array)

/**
 * GETs `url` as `get` does, and returns what it received: the body with the server's `ETag` and
 * `Last-Modified`; with `conditions` (`if-none-match`, `if-modified-since`), a 304 is received too,
 * without a body.
 */
export const getReceived = (
  url: string,
  options: GatedOptions = defaultRequestOptions,
  expected: Expected = "image",
  conditions?: Readonly<Record<string, string>> | undefined
): Effect.Effect<Received, RequestError, HttpClient.HttpClient> => {
  const once = attempt(url, options, (client, bodyProgress) =>
    request(
      client,
      url,
      options.maxBytes,
      expected,
      conditions,
      bodyProgress,
      options.bandwidth,
      options.headers
    )
  )
  return (options.retries > 0 ? Effect.retry(once, retrySchedule(options.retries)) : once).pipe(
    withSpanWhenTraced("HttpGet.get", { url })
  )
}

/**
 * GETs `url` for a file written to disk, its answer (a 200, a 206 or a 416) given to `onAnswer` with
 * the request's phase tracker (restart its `body` phase as bytes arrive). `headers` is asked anew for
 * each attempt, so that a retry after a broken transfer can ask for the rest (`Range`). Everything
 * else as `getReceived`: the gate, the per-phase timeouts, redirects, statuses and retries.
 */
export const getRanged = <A, E extends { readonly _tag: string }, R>(
  url: string,
  options: GatedOptions,
  expected: Expected,
  headers: Effect.Effect<Readonly<Record<string, string>>, never, R>,
  onAnswer: (
    answer: Ranged,
    tracker: RequestPhases.PhaseTracker | undefined
  ) => Effect.Effect<A, RequestError | HttpClientError.ResponseError | E, R>
): Effect.Effect<A, RequestError | E, HttpClient.HttpClient | R> => {
  const once = Effect.flatMap(headers, (asked) =>
    attempt(url, options, (client) =>
      requestRanged(client, url, expected, { ...options.headers, ...asked }, onAnswer)
    )
  )
  return (options.retries > 0 ? Effect.retry(once, retrySchedule(options.retries)) : once).pipe(
    withSpanWhenTraced("HttpGet.get", { url })
  )
}

/** Bounds `self` (a whole download: its requests and their retries) by `options.maxTime`, when set. */
export const withinMaxTime =
  (url: string, options: GatedOptions) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | RequestTimeout, R> => {
    const maxTime = options.maxTime
    if (maxTime === undefined) return self
    return withDeadlines(options.gate?.deadlines, (deadlines) =>
      deadlines.watch(
        self,
        Duration.toMillis(maxTime),
        () => withoutStack(() => new RequestTimeout({ url, phase: "total", timeout: maxTime })),
        { fixed: true }
      )
    )
  }
