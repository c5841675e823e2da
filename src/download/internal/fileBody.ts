/**
 * A body of any size written to a file as it arrives (the platform `FileSystem`'s sink): memory stays
 * flat, each chunk is hashed on its way, counted against a cap, paced by the shared bandwidth, and
 * restarts the request's `body` timer. Nothing is collected whole. The digests are taken as the bytes
 * are written: when the body fails on a write (`WriteFailed`) or is interrupted, they may have taken
 * bytes the file has not; when it fails on the answer (`ResponseError`), they have taken exactly the
 * bytes written.
 */
import type * as PlatformError from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Chunk from "effect/Chunk"
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

/** Pieces read ahead of the disk at most (a socket gives up to 64 KiB at a time: 4 MiB). */
const bufferedPieces = 64

/**
 * Pieces copied into one buffer, made once per body and reused by every write (each write ends before
 * the next batch is copied): a new array per batch cost as much in allocation and collection as the
 * writes it saved.
 */
const batcher = () => {
  let buffer = new Uint8Array(0)
  return (arrays: ReadonlyArray<Uint8Array>): Uint8Array => {
    let length = 0
    for (const array of arrays) length += array.length
    if (buffer.length < length) buffer = new Uint8Array(Math.max(length, 4 * 1024 * 1024))
    let at = 0
    for (const array of arrays) {
      buffer.set(array, at)
      at += array.length
    }
    return buffer.subarray(0, length)
  }
}

/**
 * The stream read on while what came is written: each write takes everything that came meanwhile (up
 * to `bufferedPieces`). Reading and writing by turns wrote a 64 KiB piece at a time and left the
 * process idle half the time: 1 GiB from nginx took 4.8 s, curl 1.2 s; 64 KiB writes alone take 2 s a
 * gigabyte here, 1 MiB writes 0.4 s.
 */
const readAhead = <A, E, R>(self: Stream.Stream<A, E, R>): Stream.Stream<A, E, R> =>
  Stream.unwrapScoped(
    Effect.map(Stream.toQueueOfElements(self, { capacity: bufferedPieces }), (queue) =>
      Stream.flattenExitOption(Stream.fromQueue(queue, { maxChunkSize: bufferedPieces }))
    )
  )

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
          const concat = batcher()
          // what has come since the last write, written at once (one system call for many socket reads)
          const writeBatch = (
            pieces: Chunk.Chunk<Uint8Array>
          ): Effect.Effect<void, Oversized | WriteFailed> => {
            const arrays = Chunk.toReadonlyArray(pieces)
            const bytes = arrays.length === 1 ? (arrays[0] as Uint8Array) : concat(arrays)
            // an empty piece (a stream's end may bring one) is nothing to write: a write of 0 bytes fails
            if (bytes.length === 0) return Effect.void
            if (maxBytes !== undefined && size + bytes.length > maxBytes) return Effect.fail(oversized)
            // hashed while the write is in the thread pool: a write that fails (or is interrupted)
            // leaves the digests ahead of the file, and the caller must take them as spent
            const written = Effect.zipRight(
              Effect.zip(
                Effect.mapError(
                  file.writeAll(bytes),
                  (error): WriteFailed => ({ _tag: "WriteFailed", error })
                ),
                Effect.sync(() => {
                  for (const digest of digests) digest.update(bytes)
                }),
                { concurrent: true }
              ),
              Effect.suspend(() => {
                size += bytes.length
                return onWritten === undefined ? Effect.void : onWritten(size)
              })
            )
            return paced
              ? Effect.zipRight(waitForBandwidth(bandwidth, bytes.length, tracker), written)
              : written
          }
          return response.stream.pipe(
            Stream.mapError((error): HttpClientError.ResponseError | Oversized | WriteFailed => error),
            // a byte's arrival is the body's progress, whenever the disk takes it
            Stream.mapChunks((chunk) => {
              tracker?.progress()
              return chunk
            }),
            readAhead,
            Stream.run(Sink.forEachChunk(writeBatch)),
            Effect.map(() => size)
          )
        }
      )
    )
  })
