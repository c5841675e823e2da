/**
 * A body of any size written to a file as it arrives (the platform `FileSystem`'s sink): memory stays
 * flat, each chunk is hashed on its way, counted against a cap, paced by the shared bandwidth, and
 * restarts the request's `body` timer. Nothing is collected whole.
 */
import type * as PlatformError from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Sink from "effect/Sink"
import * as Stream from "effect/Stream"
import * as Bandwidth from "../Bandwidth.js"
import type { PhaseTracker } from "../RequestPhases.js"
import { type Oversized, waitForBandwidth } from "./cappedBody.js"

/** Something that digests bytes as they pass (a `node:crypto` Hash has this shape). */
export interface Digesting {
  readonly update: (bytes: Uint8Array) => unknown
}

/** How a body is written. */
export interface FileBodyOptions {
  /** The file written: appended to (`append`, a 206's rest) or made anew. */
  readonly file: string
  readonly append: boolean
  /** Bytes the file holds already (appended to), counted against `maxBytes`. */
  readonly offset: number
  /** The most bytes the whole file may have; none when undefined. */
  readonly maxBytes: number | undefined
  readonly digests: ReadonlyArray<Digesting>
  readonly bandwidth?: Bandwidth.Bandwidth | undefined
  readonly tracker: PhaseTracker | undefined
  /** Told the file's size after each chunk is written (a progress line, a journal). */
  readonly onWritten?: ((bytes: number) => Effect.Effect<void>) | undefined
}

/** A write of the file failed (a full disk, say): not the server's fault, and not retried. */
export interface WriteFailed {
  readonly _tag: "WriteFailed"
  readonly error: PlatformError.PlatformError
}

const oversized: Oversized = { _tag: "Oversized" }

/** Writes `response`'s body to the file; the file's size once the body has ended. */
export const writeBody = (
  response: HttpClientResponse.HttpClientResponse,
  options: FileBodyOptions
): Effect.Effect<number, HttpClientError.ResponseError | Oversized | WriteFailed, FileSystem.FileSystem> =>
  Effect.flatMap(FileSystem.FileSystem, (fs) => {
    const { tracker, digests, maxBytes, onWritten } = options
    const bandwidth = options.bandwidth ?? Bandwidth.unlimited
    const paced = bandwidth !== Bandwidth.unlimited
    let size = options.offset
    tracker?.enter("body")
    return Effect.scoped(
      Effect.flatMap(
        Effect.mapError(
          fs.open(options.file, { flag: options.append ? "a" : "w" }),
          (error): WriteFailed => ({ _tag: "WriteFailed", error })
        ),
        (file) => {
          const writeChunk = (chunk: Uint8Array): Effect.Effect<void, Oversized | WriteFailed> => {
            if (maxBytes !== undefined && size + chunk.length > maxBytes) return Effect.fail(oversized)
            tracker?.progress()
            const written = Effect.mapError(
              file.writeAll(chunk),
              (error): WriteFailed => ({ _tag: "WriteFailed", error })
            ).pipe(
              Effect.tap(() => {
                // hashed once written: the digest is of what the file holds
                for (const digest of digests) digest.update(chunk)
                size += chunk.length
                return onWritten === undefined ? Effect.void : onWritten(size)
              })
            )
            return paced
              ? Effect.zipRight(waitForBandwidth(bandwidth, chunk.length, tracker), written)
              : written
          }
          return response.stream.pipe(
            Stream.mapError((error): HttpClientError.ResponseError | Oversized | WriteFailed => error),
            Stream.run(Sink.forEach(writeChunk)),
            Effect.map(() => size)
          )
        }
      )
    )
  })
