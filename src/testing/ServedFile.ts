/**
 * One file served as an HTTP server serves it, for `MemoryHttpClient`: `Range` and `If-Range` as RFC 9110
 * says (a `206` with the slice, a `200` when the validator no longer matches, a `416` past the end), or
 * ignored as Python's `http.server` ignores them; its body in timed chunks on Effect's clock, a connection
 * lost at a chosen byte, and a file that changes between requests.
 */
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Duration from "effect/Duration"
import { type ByteRange, ifRangeHolds, parseRange } from "./internal/ranges.js"
import type { Chunk, FakeAnswer, MemoryHttpOptions } from "./MemoryHttpClient.js"
import * as MemoryHttpClient from "./MemoryHttpClient.js"

/** One version of the file: its bytes and the validators the server gives it. */
export interface Version {
  readonly bytes: Uint8Array | string
  /** Sent as `ETag` (quotes included: `"v1"`, or `W/"v1"` for a weak one). */
  readonly etag?: string
  /** Sent as `Last-Modified` (an HTTP date). */
  readonly lastModified?: string
  /** Sent as `Content-Disposition` (`attachment; filename="a.zip"`). */
  readonly disposition?: string
}

/** How the file is served. */
export interface ServeOptions {
  /** `false`: a server without ranges, as `python3 -m http.server`: always `200` with the whole body. */
  readonly honoursRanges?: boolean
  /** The body goes in pieces of this many bytes (default 64 KiB). */
  readonly chunkSize?: number
  /** Each piece arrives after the time this rate takes for it (whole milliseconds, rounded as they add up). */
  readonly bytesPerSecond?: number
  /** Or each piece arrives this long after the previous one (or the headers). */
  readonly chunkEvery?: Duration.DurationInput
  /** Effect time from the request to the answer's headers. */
  readonly delay?: Duration.DurationInput
  /**
   * The connection is lost once the byte before offset `breakAt[n]` of the file has been sent, in the
   * answer to the `n`th request (0 first): its `Content-Length` promised more. Requests past the list's
   * end are answered whole. A single number breaks the first answer only.
   */
  readonly breakAt?: number | ReadonlyArray<number | undefined>
}

/** What one request asked and how it was answered. */
export interface Served {
  readonly attempt: number
  readonly method: string
  /** The request's `Range` and `If-Range` headers, as sent. */
  readonly range: string | undefined
  readonly ifRange: string | undefined
  readonly status: number
  /** The slice of the file the answer's body holds (`to` exclusive); none for a 416 or a HEAD. */
  readonly from: number
  readonly to: number
  /** Where the body stops with a lost connection, if it does. */
  readonly brokenAt: number | undefined
  /** The version answered (its ETag). */
  readonly etag: string | undefined
}

const encoder = new TextEncoder()

const piecesOf = (body: Uint8Array, options: ServeOptions): ReadonlyArray<Chunk> => {
  const size = Math.max(1, options.chunkSize ?? 64 * 1024)
  const every = options.chunkEvery === undefined ? undefined : Duration.decode(options.chunkEvery)
  const rate = options.bytesPerSecond
  const pieces: Array<Chunk> = []
  let elapsed = 0
  for (let at = 0; at < body.length; at += size) {
    const bytes = body.subarray(at, Math.min(body.length, at + size))
    // rounded on the running total, so that the whole body takes its size / rate to the millisecond
    const due = rate === undefined ? 0 : Math.round(((at + bytes.length) * 1000) / rate)
    pieces.push({ after: every ?? Duration.millis(due - elapsed), bytes })
    elapsed = due
  }
  return pieces
}

/**
 * The answer function (`MemoryHttpClient.make`'s argument) serving `file` at any URL — or the version
 * `file(attempt, request)` returns, to change it between requests — and the list of what it served.
 */
export const make = (
  file: Version | ((attempt: number, request: HttpClientRequest.HttpClientRequest) => Version),
  options: ServeOptions = {}
) => {
  const served: Array<Served> = []
  const breaks = typeof options.breakAt === "number" ? [options.breakAt] : (options.breakAt ?? [])
  const answer = (_url: URL, attempt: number, request: HttpClientRequest.HttpClientRequest): FakeAnswer => {
    const version = typeof file === "function" ? file(attempt, request) : file
    const bytes = typeof version.bytes === "string" ? encoder.encode(version.bytes) : version.bytes
    const total = bytes.length
    const honours = options.honoursRanges ?? true
    const range = request.headers.range
    const ifRange = request.headers["if-range"]
    const validators = {
      ...(version.etag === undefined ? {} : { etag: version.etag }),
      ...(version.lastModified === undefined ? {} : { "last-modified": version.lastModified }),
      ...(version.disposition === undefined ? {} : { "content-disposition": version.disposition })
    }
    // RFC 9110 §13.2.2: a failed If-Range, like no Range, means the whole body
    const asked: ByteRange | "unsatisfiable" | undefined =
      honours && range !== undefined && (ifRange === undefined || ifRangeHolds(ifRange, version))
        ? parseRange(range, total)
        : undefined
    const record = (status: number, from: number, to: number, brokenAt: number | undefined) =>
      served.push({
        attempt,
        method: request.method,
        range,
        ifRange,
        status,
        from,
        to,
        brokenAt,
        etag: version.etag
      })
    const delay = options.delay === undefined ? {} : { delay: options.delay }
    if (asked === "unsatisfiable") {
      record(416, 0, 0, undefined)
      return { status: 416, body: "", headers: { "content-range": `bytes */${total}` }, ...delay }
    }
    const [status, from, to] = asked === undefined ? [200, 0, total] : [206, asked.from, asked.to]
    const headers: Record<string, string> = {
      "content-type": "application/octet-stream",
      "content-length": String(to - from),
      ...validators,
      ...(status === 206
        ? { "content-range": `bytes ${from}-${to - 1}/${total}` }
        : honours
          ? { "accept-ranges": "bytes" }
          : {})
    }
    if (request.method === "HEAD") {
      record(status, from, from, undefined)
      return { status, headers, ...delay }
    }
    const breakAt = breaks[attempt]
    const cut = breakAt === undefined || breakAt >= to ? undefined : Math.max(from, breakAt)
    record(status, from, to, cut)
    const chunks = piecesOf(bytes.subarray(from, cut ?? to), options)
    return { status, headers, chunks, ...(cut === undefined ? {} : { reset: true }), ...delay }
  }
  return { answer, served }
}

/** A `MemoryHttpClient` serving `file` (as `make`) at every URL, and the list of what it served. */
export const client = (
  file: Version | ((attempt: number, request: HttpClientRequest.HttpClientRequest) => Version),
  options: ServeOptions & MemoryHttpOptions = {}
) => {
  const { answer, served } = make(file, options)
  const reportsPhases = options.reportsPhases === undefined ? {} : { reportsPhases: options.reportsPhases }
  return { ...MemoryHttpClient.make(answer, reportsPhases), served }
}
