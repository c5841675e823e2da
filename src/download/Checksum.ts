/**
 * Checksums of saved files: the SHA-256 of a body already in memory, as lowercase hex, which the engine
 * takes of each saved body when asked (`hash`), a session journals and `flags verify` checks.
 *
 * `node:crypto`'s `createHash`, not WebCrypto's `crypto.subtle.digest`. Measured here (Node 20, 676
 * random bodies per size, three rounds, median), per body: 1 KB 2.2 µs vs 11 µs, 4 KB 3.9 µs vs 12 µs,
 * 10 KB 8.2 µs vs 13 µs — and that is `subtle` given all 676 at once; awaited one at a time, as a
 * download would, each digest takes 80–140 µs, as it goes through the thread pool and back. The
 * synchronous hash of a whole 676-flag run costs a few milliseconds, under 5 % of the run.
 */
import { createHash } from "node:crypto"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"

/** The SHA-256 of `bytes`, 64 lowercase hex digits. */
export const sha256Hex = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex")

/** The digests a list may give for a file (aria2's names). */
export type ChecksumAlgorithm = "sha-1" | "sha-256" | "sha-512"

/** What a file's digest must be: `checksum=sha-256=HEX` (lowercase hex). */
export interface ExpectedChecksum {
  readonly algorithm: ChecksumAlgorithm
  readonly hex: string
}

/** Hex digits of each algorithm's digest. */
export const hexLength: Readonly<Record<ChecksumAlgorithm, number>> = {
  "sha-1": 40,
  "sha-256": 64,
  "sha-512": 128
}

const nodeName: Readonly<Record<ChecksumAlgorithm, string>> = {
  "sha-1": "sha1",
  "sha-256": "sha256",
  "sha-512": "sha512"
}

/** A digest taken piece by piece, as a body streams past. */
export interface Digest {
  readonly update: (bytes: Uint8Array) => void
  /** The digest of everything given, lowercase hex (once: the digest is then spent). */
  readonly hex: () => string
}

/** A new digest of `algorithm`. */
export const digest = (algorithm: ChecksumAlgorithm): Digest => {
  const hash = createHash(nodeName[algorithm])
  return {
    update: (bytes) => {
      hash.update(bytes)
    },
    hex: () => hash.digest("hex")
  }
}

/** A checksum as a list (and a journal) writes it: `sha-256=HEX`. */
export const format = (checksum: ExpectedChecksum): string => `${checksum.algorithm}=${checksum.hex}`

/** Reads `TYPE=HEX` (`sha-1`, `sha-256`, `sha-512`; hex in any case): the checksum, or what is wrong. */
export const parse = (text: string): Either.Either<ExpectedChecksum, string> => {
  const at = text.indexOf("=")
  const algorithm = text.slice(0, at).toLowerCase()
  const hex = text.slice(at + 1).toLowerCase()
  if (at === -1 || !Object.hasOwn(hexLength, algorithm)) {
    return Either.left("give TYPE=HEX, TYPE one of sha-1, sha-256, sha-512")
  }
  const length = hexLength[algorithm as ChecksumAlgorithm]
  return new RegExp(`^[0-9a-f]{${length}}$`).test(hex)
    ? Either.right({ algorithm: algorithm as ChecksumAlgorithm, hex })
    : Either.left(`a ${algorithm} digest is ${length} hex digits`)
}

/**
 * The digests of a file's bytes, read as a stream (memory stays flat whatever its size), by
 * algorithm; none when it cannot be read.
 */
export const ofFile = <const A extends ChecksumAlgorithm>(
  path: string,
  algorithms: ReadonlyArray<A>
): Effect.Effect<Option.Option<Readonly<Record<A, string>>>, never, FileSystem.FileSystem> =>
  Effect.flatMap(FileSystem.FileSystem, (fs) => {
    const digests = algorithms.map((algorithm) => [algorithm, digest(algorithm)] as const)
    return fs.stream(path).pipe(
      Stream.runForEach((chunk) =>
        Effect.sync(() => {
          for (const [, d] of digests) d.update(chunk)
        })
      ),
      Effect.map(() =>
        Option.some(
          Object.fromEntries(digests.map(([algorithm, d]) => [algorithm, d.hex()])) as Record<A, string>
        )
      ),
      Effect.orElseSucceed(() => Option.none())
    )
  })
