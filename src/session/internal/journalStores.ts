/**
 * Where a journal's bytes live: a file through the platform `FileSystem`, or memory (tests). Both do
 * only what an append-only journal needs: read it whole, create it atomically, cut a torn tail, append.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import type * as Scope from "effect/Scope"

/** A journal could not be read or written. */
export class JournalError extends Data.TaggedError("JournalError")<{
  readonly source: string
  readonly reason: string
  readonly cause?: unknown
}> {
  override get message() {
    return `session journal ${this.source}: ${this.reason}`
  }
}

/** Appends to a journal for the life of a scope. */
export interface Appender {
  readonly write: (bytes: Uint8Array) => Effect.Effect<void, JournalError>
  /** Makes what was written durable (fsync). */
  readonly sync: Effect.Effect<void, JournalError>
}

/** A journal's bytes. */
export interface Store {
  /** Where it is, for messages. */
  readonly source: string
  /** The whole journal; none when there is none yet. */
  readonly read: Effect.Effect<Option.Option<Uint8Array>, JournalError>
  /** Replaces the journal with `text` at once: a crash leaves either the old one or all of `text`. */
  readonly create: (text: string) => Effect.Effect<void, JournalError>
  /** Keeps only the first `length` bytes (drops a torn last line before appending after it). */
  readonly truncate: (length: number) => Effect.Effect<void, JournalError>
  readonly appender: Effect.Effect<Appender, JournalError, Scope.Scope>
}

const encoder = new TextEncoder()

const reasonOf = (error: unknown) =>
  typeof error === "object" && error !== null && "reason" in error && error.reason === "NotFound"
    ? "its folder does not exist"
    : String((error as { message?: unknown }).message ?? error)

/** The journal in the file `path`. */
export const file = (path: string): Effect.Effect<Store, never, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const paths = yield* Path.Path
    const fail = (doing: string) => (cause: unknown) =>
      new JournalError({ source: path, reason: `cannot ${doing}: ${reasonOf(cause)}`, cause })
    // written beside it and renamed over it, as the downloader saves files
    const create = (text: string) =>
      Effect.flatMap(Random.nextInt, (n) => {
        const temporary = paths.join(paths.dirname(path), `.${paths.basename(path)}.${n.toString(36)}.part`)
        const write = Effect.scoped(
          Effect.flatMap(fs.open(temporary, { flag: "w" }), (handle) =>
            Effect.zipRight(handle.writeAll(encoder.encode(text)), handle.sync)
          )
        )
        return Effect.zipRight(write, fs.rename(temporary, path)).pipe(
          Effect.onError(() => Effect.ignore(fs.remove(temporary))),
          Effect.mapError(fail("create it"))
        )
      })
    return {
      source: path,
      read: fs.readFile(path).pipe(
        Effect.asSome,
        Effect.catchIf(
          (error) => error._tag === "SystemError" && error.reason === "NotFound",
          () => Effect.succeedNone
        ),
        Effect.mapError(fail("read it"))
      ),
      create,
      truncate: (length) => fs.truncate(path, length).pipe(Effect.mapError(fail("cut its torn last line"))),
      appender: fs.open(path, { flag: "a" }).pipe(
        Effect.map((handle) => ({
          write: (bytes: Uint8Array) => handle.writeAll(bytes).pipe(Effect.mapError(fail("write to it"))),
          sync: handle.sync.pipe(Effect.mapError(fail("sync it")))
        })),
        Effect.mapError(fail("open it"))
      )
    } satisfies Store
  })

/** A journal in memory, and what it holds: what a crash at this instant would leave on a disk. */
export interface MemoryStore extends Store {
  /** The journal's text, as written so far (entries still buffered are not in it). */
  readonly contents: Effect.Effect<string | undefined>
  /** Writes and syncs so far: batching shows as far fewer writes than entries. */
  readonly writes: Effect.Effect<number>
  readonly syncs: Effect.Effect<number>
}

/** A journal in memory, holding `initial` to begin with (say, one a crash cut short). */
export const memory = (initial?: string): MemoryStore => {
  // appended chunks, joined only when read: appending stays O(bytes appended)
  let parts: Array<Uint8Array> | undefined = initial === undefined ? undefined : [encoder.encode(initial)]
  let writes = 0
  let syncs = 0
  const whole = () => {
    if (parts === undefined) return undefined
    const joined = new Uint8Array(parts.reduce((n, part) => n + part.length, 0))
    let at = 0
    for (const part of parts) {
      joined.set(part, at)
      at += part.length
    }
    parts = [joined]
    return joined
  }
  return {
    source: "(memory)",
    read: Effect.sync(() => Option.fromNullable(whole())),
    create: (text) =>
      Effect.sync(() => {
        parts = [encoder.encode(text)]
      }),
    truncate: (length) =>
      Effect.sync(() => {
        const bytes = whole()
        if (bytes !== undefined) parts = [bytes.slice(0, length)]
      }),
    appender: Effect.succeed({
      write: (more) =>
        Effect.sync(() => {
          writes++
          if (parts === undefined) parts = [more]
          else parts.push(more)
        }),
      sync: Effect.sync(() => void syncs++)
    }),
    contents: Effect.sync(() => {
      const bytes = whole()
      return bytes === undefined ? undefined : new TextDecoder().decode(bytes)
    }),
    writes: Effect.sync(() => writes),
    syncs: Effect.sync(() => syncs)
  }
}
