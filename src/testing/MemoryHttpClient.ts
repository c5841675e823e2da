/**
 * An in-memory `HttpClient` for tests: answers from a function of the URL, on Effect's clock (so a
 * `TestClock` drives every delay), counting requests in flight. It reports the phases of each request
 * (connecting, waiting for the answer, each body chunk) as the CLI's real client does.
 */
import type * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { currentTracker, type PhaseTracker, Reporting } from "../download/RequestPhases.js"
import { MemoryResponse } from "./internal/memoryResponse.js"

/** One piece of a body, arriving `after` the previous one (or the headers). */
export interface Chunk {
  readonly after: Duration.DurationInput
  readonly bytes: Uint8Array | string
}

/** How the fake answers one request. */
export interface FakeAnswer {
  readonly status: number
  /** The whole body, sent with the headers (or give `chunks`). */
  readonly body?: Uint8Array | string
  readonly headers?: Record<string, string>
  /** Effect time from the request being sent to the answer's headers. */
  readonly delay?: Duration.DurationInput
  /** Effect time to connect, before the request is sent (a server with a full listen backlog). */
  readonly connectDelay?: Duration.DurationInput
  /** The body in timed pieces; `Content-Length` is their total unless `headers` says otherwise. */
  readonly chunks?: ReadonlyArray<Chunk>
  /** After its body (or chunks), the answer sends nothing more and never ends: a stalled transfer. */
  readonly stall?: boolean
  /**
   * After its body (or chunks), the connection is lost: reading the body fails with a `ResponseError`
   * (reason `Decode`, its cause `aborted` with code `ECONNRESET`), as Node's client reports a connection
   * reset mid-body. With a `content-length` header above what was sent, a body cut short.
   */
  readonly reset?: boolean
}

/** Requests to one host (`http://host:port`) the fake has seen. */
export interface HostStats {
  inFlight: number
  maxInFlight: number
  requests: number
}

/** What the fake has seen. */
export interface MemoryHttpStats {
  /** Requests between being sent and the end of their answer's body. */
  inFlight: number
  maxInFlight: number
  /** The same, per host (scheme, host and port). */
  readonly hosts: Map<string, HostStats>
  /** Every URL requested, in order. */
  readonly requests: Array<string>
  /** Every request with the Effect-clock time it started at and its headers (names in lowercase). */
  readonly started: Array<{ readonly url: string; readonly at: number; readonly headers: Headers.Headers }>
}

/** Options of `make`. */
export interface MemoryHttpOptions {
  /**
   * Report connecting, sending and each body chunk to the request's phase tracker, as the CLI's client
   * does (default); `false` behaves like a client that reports nothing, as most do.
   */
  readonly reportsPhases?: boolean
}

const encoder = new TextEncoder()

/** What Node's `http` client gives when the connection ends before the body does. */
const connectionReset = () => Object.assign(new Error("aborted"), { code: "ECONNRESET" })
const bytesOf = (body: Uint8Array | string) => (typeof body === "string" ? encoder.encode(body) : body)

/**
 * An in-memory client answering `answer(url, attempt, request)`, where `attempt` counts earlier requests
 * for the same URL (`request.headers` holds what was sent, such as `if-none-match`).
 */
export const make = (
  answer: (url: URL, attempt: number, request: HttpClientRequest.HttpClientRequest) => FakeAnswer,
  options: MemoryHttpOptions = {}
) => {
  const stats: MemoryHttpStats = { inFlight: 0, maxInFlight: 0, hosts: new Map(), requests: [], started: [] }
  const reports = options.reportsPhases ?? true
  const client = HttpClient.make((request, url) =>
    Effect.gen(function* () {
      const tracker: PhaseTracker | undefined = reports ? yield* currentTracker : undefined
      const attempt = stats.requests.filter((u) => u === url.href).length
      stats.requests.push(url.href)
      stats.started.push({ url: url.href, at: yield* Clock.currentTimeMillis, headers: request.headers })
      const reply = answer(url, attempt, request)
      const origin = `${url.protocol}//${url.hostname}:${url.port === "" ? (url.protocol === "https:" ? "443" : "80") : url.port}`
      let host = stats.hosts.get(origin)
      if (host === undefined) {
        host = { inFlight: 0, maxInFlight: 0, requests: 0 }
        stats.hosts.set(origin, host)
      }
      const counts = host
      counts.requests++
      counts.inFlight++
      counts.maxInFlight = Math.max(counts.maxInFlight, counts.inFlight)
      stats.inFlight++
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight)
      let ended = false
      const end = Effect.sync(() => {
        if (!ended) {
          stats.inFlight--
          counts.inFlight--
        }
        ended = true
      })
      tracker?.enter("connect")
      yield* Effect.sleep(reply.connectDelay ?? Duration.zero).pipe(Effect.onInterrupt(() => end))
      tracker?.enter("write")
      tracker?.enter("response")
      yield* Effect.sleep(reply.delay ?? Duration.zero).pipe(Effect.onInterrupt(() => end))
      const chunks: ReadonlyArray<Chunk> =
        reply.chunks ?? (reply.body === undefined ? [] : [{ after: Duration.zero, bytes: reply.body }])
      const pieces = chunks.map((chunk) => ({ after: chunk.after, bytes: bytesOf(chunk.bytes) }))
      const length = pieces.reduce((total, piece) => total + piece.bytes.length, 0)
      const headers = {
        ...(reply.body === undefined && reply.chunks === undefined
          ? {}
          : { "content-length": String(length) }),
        ...reply.headers
      }
      // the error names the response it belongs to, made below
      let response: MemoryResponse | undefined
      const lost = Stream.failSync(
        () =>
          new HttpClientError.ResponseError({
            request,
            response: response as MemoryResponse,
            reason: "Decode",
            cause: connectionReset()
          })
      )
      const body = Stream.fromIterable(pieces).pipe(
        Stream.mapEffect((piece) =>
          Effect.as(
            Effect.zipRight(
              Effect.sleep(piece.after),
              Effect.sync(() => tracker?.progress())
            ),
            piece.bytes
          )
        ),
        Stream.concat(reply.stall === true ? Stream.never : reply.reset === true ? lost : Stream.empty),
        Stream.ensuring(end)
      )
      if (reply.stall !== true && pieces.length === 0) yield* end
      tracker?.enter("body")
      response = new MemoryResponse(request, reply.status, headers, body)
      return response
    })
  )
  // reporting, it tells each body chunk itself (its body can be read whole); its requests run in a
  // fiber of their own
  const reporting = Layer.succeed(Reporting, { stopsOnTimeout: false, bodyProgress: reports })
  return { layer: Layer.merge(Layer.succeed(HttpClient.HttpClient, client), reporting), client, stats }
}

/**
 * A flag site in memory, laid out as the downloader asks for it: `{baseUrl}/{cc}/{cc}.{ext}` (the code in
 * lowercase; the body is `flag-CC`, its `ETag` `"flag-CC"`, and a request with that `If-None-Match` gets a
 * `304`) and `{baseUrl}/{cc}/metadata.json` (`{"country": …}`, from `countries` or `Country CC`) for each
 * of `codes`; anything else is a 404.
 */
export const flagSite = (
  codes: ReadonlyArray<string>,
  options: {
    readonly delay?: Duration.DurationInput
    readonly countries?: Record<string, string>
    readonly reportsPhases?: boolean
  } = {}
) =>
  make(
    (url, _attempt, request) => {
      const match = /\/([a-z]{2})\/([^/]+)$/.exec(url.pathname)
      const cc = match?.[1]?.toUpperCase() ?? ""
      const delay = options.delay ?? Duration.zero
      if (!codes.includes(cc)) return { status: 404, body: "not found", delay }
      if (match?.[2] === "metadata.json") {
        const country = options.countries?.[cc] ?? `Country ${cc}`
        return { status: 200, body: JSON.stringify({ country }), delay }
      }
      const etag = `"flag-${cc}"`
      if (request.headers["if-none-match"] === etag) return { status: 304, headers: { etag }, delay }
      return { status: 200, body: `flag-${cc}`, headers: { "content-type": "image/png", etag }, delay }
    },
    options.reportsPhases === undefined ? {} : { reportsPhases: options.reportsPhases }
  )
