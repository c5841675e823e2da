/**
 * Where the flag server's files come from: the flags bundled with the `svg-country-flags` package, or
 * a folder in Fluent Python's layout (`flags/xx/xx.gif` + `metadata.json`). Files are read through
 * `FileSystem` once, on first request, and kept in memory with their validators (`ETag`, mtime).
 */
import { createHash } from "node:crypto"
import { createRequire } from "node:module"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

/** A file the server can answer with, and its validators (for conditional requests). */
export interface FlagFile {
  readonly body: Uint8Array
  readonly contentType: string
  /** A strong `ETag`: a hash of the bytes, quoted, so the same bytes have the same tag on every start. */
  readonly etag: string
  /** When the file last changed (its mtime), when known: the `Last-Modified` answered. */
  readonly lastModified: Date | undefined
}

/** The files of one flag set. */
export interface FlagStore {
  /** Uppercase two-letter codes with a flag, sorted. */
  readonly codes: ReadonlyArray<string>
  /** The image extension served by default (`png` bundled, `gif` for the book's layout). */
  readonly extension: string
  /** The extensions the store has images in. */
  readonly extensions: ReadonlyArray<string>
  /** `{cc}.{ext}` or `metadata.json` of a lowercase code, if there is one. */
  readonly file: (cc: string, name: string) => Effect.Effect<Option.Option<FlagFile>>
}

/** The flag data could not be opened. */
export class FlagStoreError extends Data.TaggedError("FlagStoreError")<{
  readonly source: string
  readonly reason: string
  readonly cause?: unknown
}> {
  override get message() {
    return `cannot serve flags from ${this.source}: ${this.reason}`
  }
}

const contentTypes: Record<string, string> = {
  png: "image/png",
  svg: "image/svg+xml",
  gif: "image/gif",
  json: "application/json"
}
const contentTypeOf = (name: string) =>
  contentTypes[name.slice(name.lastIndexOf(".") + 1)] ?? "application/octet-stream"

const metadataOf = (cc: string, country: string) =>
  new TextEncoder().encode(JSON.stringify({ tld_cc: `.${cc}`, iso_cc: cc.toUpperCase(), country }))

const flagFile = (name: string, body: Uint8Array, mtime: Option.Option<Date>): FlagFile => ({
  body,
  contentType: contentTypeOf(name),
  etag: `"${createHash("sha256").update(body).digest("hex").slice(0, 32)}"`,
  lastModified: Option.getOrUndefined(mtime)
})

// the body and mtime of a file, as one `FlagFile`
const readFlagFile = (fs: FileSystem.FileSystem, path: string, name: string) =>
  Effect.zipWith(fs.readFile(path), fs.stat(path), (body, info) => flagFile(name, body, info.mtime))

/** The flags of the `svg-country-flags` npm package: PNG (100 px wide) and SVG, with country names. */
export const bundled: Effect.Effect<FlagStore, FlagStoreError, FileSystem.FileSystem | Path.Path> =
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const root = yield* Effect.try({
      try: () => path.dirname(createRequire(import.meta.url).resolve("svg-country-flags/countries.json")),
      catch: (cause) =>
        new FlagStoreError({ source: "svg-country-flags", reason: "package not installed", cause })
    })
    const countries = path.join(root, "countries.json")
    const names = yield* fs.readFileString(countries).pipe(
      Effect.flatMap((text) => Effect.try(() => JSON.parse(text) as Record<string, string>)),
      Effect.mapError(
        (cause) => new FlagStoreError({ source: root, reason: "countries.json unreadable", cause })
      )
    )
    const codes = Object.keys(names)
      .filter((cc) => /^[A-Z]{2}$/.test(cc))
      .sort()
    const published = new Set(codes.map((cc) => cc.toLowerCase()))
    const folders: Record<string, string> = { png: "png100px", svg: "svg" }
    // the metadata is made from countries.json: it changed when that file did
    const namesChanged = yield* fs.stat(countries).pipe(
      Effect.map((info) => info.mtime),
      Effect.orElseSucceed(() => Option.none<Date>())
    )
    // keyed by `cc.ext` of published codes only, so the cache stays bounded. Only what a read ended
    // with is kept, never the read itself: `cachedFunction` kept whatever its first run ended with, and
    // a requester that went away (a client killed mid-request) left an interruption there, answered to
    // every later request for that file as a reset connection. Two first requests may read it twice.
    const files = new Map<string, Option.Option<FlagFile>>()
    const read = (name: string): Effect.Effect<Option.Option<FlagFile>> => {
      const known = files.get(name)
      if (known !== undefined) return Effect.succeed(known)
      const folder = folders[name.slice(name.lastIndexOf(".") + 1)] ?? ""
      return readFlagFile(fs, path.join(root, folder, name), name).pipe(
        Effect.option,
        Effect.tap((file) => Effect.sync(() => files.set(name, file)))
      )
    }
    const metadata = yield* Effect.cachedFunction((cc: string) =>
      Effect.sync(() =>
        flagFile("metadata.json", metadataOf(cc, names[cc.toUpperCase()] ?? cc.toUpperCase()), namesChanged)
      )
    )
    return {
      codes,
      extension: "png",
      extensions: ["png", "svg"],
      file: (cc, name) => {
        if (!published.has(cc)) return Effect.succeedNone
        if (name === "metadata.json") return Effect.asSome(metadata(cc))
        if (name !== `${cc}.png` && name !== `${cc}.svg`) return Effect.succeedNone
        return read(name)
      }
    } satisfies FlagStore
  })

/**
 * A folder in the book's layout: `DIR/flags/xx/…` or `DIR/xx/…`. Only `xx/xx.{ext}` and
 * `xx/metadata.json` are ever read, and only when their real path (links resolved) stays inside.
 */
export const directory = (
  dir: string
): Effect.Effect<FlagStore, FlagStoreError, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const failure = (reason: string) => (cause: unknown) => new FlagStoreError({ source: dir, reason, cause })
    const given = yield* fs.realPath(path.resolve(dir)).pipe(Effect.mapError(failure("no such folder")))
    const nested = path.join(given, "flags")
    const root = (yield* fs.exists(nested).pipe(Effect.orElseSucceed(() => false))) ? nested : given
    const entries = yield* fs.readDirectory(root).pipe(Effect.mapError(failure("not a readable folder")))
    const codes = entries
      .filter((name) => /^[a-z]{2}$/.test(name))
      .map((cc) => cc.toUpperCase())
      .sort()
    const extensionCounts = new Map<string, number>()
    for (const cc of codes.slice(0, 20).map((c) => c.toLowerCase())) {
      const files = yield* fs.readDirectory(path.join(root, cc)).pipe(Effect.orElseSucceed(() => []))
      for (const file of files) {
        const match = /^[a-z]{2}\.([a-z0-9]+)$/.exec(file)
        if (match?.[1]) extensionCounts.set(match[1], (extensionCounts.get(match[1]) ?? 0) + 1)
      }
    }
    const extensions = [...extensionCounts.entries()].sort((a, b) => b[1] - a[1]).map(([ext]) => ext)
    const inside = (file: string) => file.startsWith(`${root}${path.sep}`)
    // only files found are kept (the keys are then bounded by the folder); misses are looked up again
    const found = new Map<string, FlagFile>()
    const read = (relative: string, name: string): Effect.Effect<Option.Option<FlagFile>> => {
      const known = found.get(relative)
      if (known !== undefined) return Effect.succeedSome(known)
      return fs.realPath(path.join(root, relative)).pipe(
        Effect.flatMap((real) =>
          inside(real) ? Effect.asSome(readFlagFile(fs, real, name)) : Effect.succeedNone
        ),
        Effect.tap((file) => {
          if (Option.isSome(file)) found.set(relative, file.value)
        }),
        Effect.orElseSucceed(() => Option.none<FlagFile>())
      )
    }
    return {
      codes,
      extension: extensions[0] ?? "gif",
      extensions,
      file: (cc, name) => read(`${cc}/${name}`, name)
    } satisfies FlagStore
  })
