/** Reads an answer's body whole, never more than a cap, reporting each chunk to the request's phase tracker. */
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as Bandwidth from "../Bandwidth.js"
import type { PhaseTracker } from "../RequestPhases.js"

/** The body is larger than the cap it was read under. */
export interface Oversized {
  readonly _tag: "Oversized"
}
const oversized: Oversized = { _tag: "Oversized" }

/**
 * The body of `response`, or `Oversized` when it announces or delivers more than `maxBytes`. A body
 * with a `Content-Length` from a client that reports its own progress is read in one piece (the fast
 * path, unless a bandwidth limit must pace it); any other is read chunk by chunk, counting, so an
 * endless body stops at the cap and each chunk restarts the tracker's `body` timer.
 */
export const readCapped = (
  response: HttpClientResponse.HttpClientResponse,
  maxBytes: number,
  tracker: PhaseTracker | undefined,
  bodyProgress: boolean,
  bandwidth: Bandwidth.Bandwidth = Bandwidth.unlimited
): Effect.Effect<Uint8Array, HttpClientError.ResponseError | Oversized> => {
  const contentLength = response.headers["content-length"]
  const declared = contentLength === undefined ? Number.NaN : Number(contentLength)
  if (declared > maxBytes) return Effect.fail(oversized)
  const paced = bandwidth !== Bandwidth.unlimited
  if (Number.isFinite(declared) && bodyProgress && !paced) {
    return Effect.map(response.arrayBuffer, (buffer) => new Uint8Array(buffer))
  }
  tracker?.enter("body")
  const chunks: Array<Uint8Array> = []
  return response.stream.pipe(
    Stream.runFoldEffect(0, (size, chunk): Effect.Effect<number, Oversized> => {
      if (size + chunk.length > maxBytes) return Effect.fail(oversized)
      tracker?.progress()
      chunks.push(chunk)
      return paced
        ? Effect.as(waitForBandwidth(bandwidth, chunk.length, tracker), size + chunk.length)
        : Effect.succeed(size + chunk.length)
    }),
    Effect.map((size) => {
      if (chunks.length === 1) return chunks[0] as Uint8Array
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

/**
 * Waits until `bytes` fit the shared budget: the wait is ours, not the server's, so no phase deadline
 * runs meanwhile (as a request queued in the client's pool), and the `body` phase starts after it.
 */
export const waitForBandwidth = (
  bandwidth: Bandwidth.Bandwidth,
  bytes: number,
  tracker: PhaseTracker | undefined
): Effect.Effect<void> =>
  tracker === undefined
    ? bandwidth.take(bytes)
    : Effect.suspend(() => {
        tracker.queue()
        return Effect.ensuring(
          bandwidth.take(bytes),
          Effect.sync(() => tracker.enter("body"))
        )
      })

/** Reads and drops a body (within `maxBytes`), so its keep-alive connection can serve the next request. */
export const drain = (
  response: HttpClientResponse.HttpClientResponse,
  maxBytes: number,
  tracker: PhaseTracker | undefined
): Effect.Effect<void> => Effect.ignore(readCapped(response, maxBytes, tracker, false))
