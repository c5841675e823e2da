/**
 * A download in progress, kept in dest so that it can be resumed: the bytes so far in `.NAME.partial`
 * and, beside them, `.NAME.partial.json` saying where they came from (the URL, and the `ETag` or
 * `Last-Modified` of the answer they belong to, sent back as `If-Range`). A file name never starts
 * with a dot (`Destination.safeFileName`), so neither can be mistaken for a finished file. The
 * description is written (atomically) before the first byte, so a run killed at any moment leaves
 * either nothing, or bytes that say what they are.
 */
import type * as PlatformError from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"

/** Where a partial download came from. */
export const PartialInfo = Schema.Struct({
  url: Schema.String,
  etag: Schema.optional(Schema.String),
  lastModified: Schema.optional(Schema.String),
  /** The whole file's length, when the server said it. */
  length: Schema.optional(Schema.Number),
  /** The file's name as the server gave it (`Content-Disposition`), made safe. */
  name: Schema.optional(Schema.String)
})
export type PartialInfo = typeof PartialInfo.Type

const decodeInfo = Schema.decodeUnknownEither(Schema.parseJson(PartialInfo))

/** The names of a partial download of `name` in dest. */
export const partialNames = (name: string) => ({
  bytes: `.${name}.partial`,
  info: `.${name}.partial.json`
})

/** Whether a name in dest is a partial download's (its bytes or its description). */
export const isPartialName = (name: string): boolean => /^\..+\.partial(\.json)?$/.test(name)

/** The validator a resumed request sends as `If-Range`: a strong `ETag`, else `Last-Modified`; none, no resume. */
export const ifRangeOf = (info: PartialInfo): string | undefined => {
  if (info.etag !== undefined && !info.etag.startsWith("W/")) return info.etag
  return info.lastModified
}

/** A partial download found in dest: its description and how many bytes are on disk. */
export interface Found {
  readonly info: PartialInfo
  readonly bytes: number
}

/**
 * The partial download of `name` in `dest` for `url`, if one is there and can be resumed: its
 * description is readable, names the same URL and a validator, and its bytes are on disk. Anything
 * else is no partial (a fresh download then replaces what is there).
 */
export const find = (
  dest: string,
  name: string,
  url: string
): Effect.Effect<Option.Option<Found>, never, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const names = partialNames(name)
    const text = yield* Effect.option(fs.readFileString(path.join(dest, names.info)))
    if (Option.isNone(text)) return Option.none()
    const info = decodeInfo(text.value)
    if (Either.isLeft(info) || info.right.url !== url || ifRangeOf(info.right) === undefined) {
      return Option.none()
    }
    const stat = yield* Effect.option(fs.stat(path.join(dest, names.bytes)))
    if (Option.isNone(stat) || stat.value.type !== "File") return Option.none()
    return Option.some({ info: info.right, bytes: Number(stat.value.size) })
  })

/** Writes the description of a partial download, atomically (a temporary file renamed over it). */
export const describe = (
  dest: string,
  name: string,
  info: PartialInfo
): Effect.Effect<void, PlatformError.PlatformError, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const target = path.join(dest, partialNames(name).info)
    const temporary = `${target}.tmp`
    yield* fs.writeFileString(temporary, JSON.stringify(info))
    yield* fs.rename(temporary, target)
  })

/** Removes a partial download (its bytes and description), whatever is there. */
export const remove = (
  dest: string,
  name: string
): Effect.Effect<void, never, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const names = partialNames(name)
    yield* Effect.ignore(fs.remove(path.join(dest, names.info)))
    yield* Effect.ignore(fs.remove(path.join(dest, names.bytes)))
  })
