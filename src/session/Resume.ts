/**
 * What a run resuming a session does with each item, from the journal's last entry for it, the
 * resume options and the file on disk: skip it as done, request it again, revalidate it with the
 * entry's `ETag` / `Last-Modified`, skip it as not found, or leave it out (`--retry-failed`).
 * `decide` is pure; `check` looks at the item's file when it must; `plan` orders a session's items.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Checksum from "../download/Checksum.js"
import type { Entry } from "./JournalFormat.js"

/** How a run resumes its session. */
export interface ResumeOptions {
  /** Run only the items that ended in error (`--retry-failed`); the others are left out. */
  readonly retryFailed: boolean
  /** Ask again for the items not found before (`--recheck-missing`). */
  readonly recheckMissing: boolean
  /** Ask again for every done item whose file is intact, conditionally where the journal allows (`--refresh`). */
  readonly refresh: boolean
}

/** A file as it is on disk now. */
export interface OnDisk {
  readonly size: number
  /** Modification time, milliseconds. */
  readonly mtime: number | undefined
  /** Its SHA-256, when it had to be hashed (see `needsHash`). */
  readonly sha256?: string | undefined
}

/** Why an item is requested again. */
export type Reason =
  /** Not journaled: never started, or in flight when the run was stopped. */
  | "new"
  /** Stopped mid-body with bytes kept in dest (`PARTIAL`): continued from them. */
  | "partial"
  | "failed"
  /** Done, but the file's size or hash is no longer the journal's. */
  | "modified"
  /** Done, but the file is gone. */
  | "missing"
  /** Done, but the file could not be proved (hash needed and not taken, or an entry without one). */
  | "unproven"
  /** Not found before, and `--recheck-missing`. */
  | "recheck"
  /** Done, `--refresh`, and the journal has no validator to ask with. */
  | "refresh"
  /** Skipped before (`--on-exists skip`): the run decides again. */
  | "skipped"

/** What to do with one item. */
export type Decision =
  /** Done and its file is intact: not requested (`resumed: N already done`). */
  | { readonly _tag: "Done"; readonly entry: Entry }
  | { readonly _tag: "Run"; readonly reason: Reason; readonly entry: Entry | undefined }
  /** Requested with these headers; a 304 keeps the file (`UNCHANGED`), a 200 replaces it. */
  | { readonly _tag: "Revalidate"; readonly entry: Entry; readonly headers: Readonly<Record<string, string>> }
  /** Not found before: not asked again. */
  | { readonly _tag: "NotFound"; readonly entry: Entry }
  /** Not part of a `--retry-failed` run. */
  | { readonly _tag: "LeftOut"; readonly entry: Entry | undefined }

/** Whether an entry is a saved file the journal can prove: `OK` or `UNCHANGED`, with its size and hash. */
export const isProven = (entry: Entry): boolean =>
  (entry.status === "OK" || entry.status === "UNCHANGED") &&
  entry.file !== undefined &&
  entry.size !== undefined &&
  entry.sha256 !== undefined

/** Whether `decide` needs the entry's file looked at (its size and mtime). */
export const needsFile = (entry: Entry | undefined, options: ResumeOptions): boolean =>
  entry !== undefined && !options.retryFailed && isProven(entry)

/**
 * Whether the file must be hashed: same size as journaled, but not the journaled mtime, so it may
 * have been rewritten (git's index trusts an unchanged size and mtime the same way).
 */
export const needsHash = (entry: Entry, disk: OnDisk): boolean =>
  disk.size === entry.size && (entry.mtime === undefined || disk.mtime !== entry.mtime)

/** The conditional request headers of an entry's validators (none when the server gave none). */
export const validators = (entry: Entry): Readonly<Record<string, string>> => ({
  ...(entry.etag === undefined ? {} : { "if-none-match": entry.etag }),
  ...(entry.lastModified === undefined ? {} : { "if-modified-since": entry.lastModified })
})

/**
 * Decides one item from its last entry (none: never journaled) and its file on disk (`undefined`:
 * missing; with `sha256` when `needsHash` says so). A file is never trusted without proof: a hash
 * needed and not given redoes the item.
 */
export const decide = (
  entry: Entry | undefined,
  disk: OnDisk | undefined,
  options: ResumeOptions
): Decision => {
  const run = (reason: Reason): Decision => ({ _tag: "Run", reason, entry })
  if (entry?.status === "ERROR") return run("failed")
  if (entry?.status === "NOT_FOUND")
    return options.recheckMissing ? run("recheck") : { _tag: "NotFound", entry }
  if (options.retryFailed) return { _tag: "LeftOut", entry }
  if (entry === undefined) return run("new")
  if (entry.status === "PARTIAL") return run("partial")
  if (entry.status === "SKIPPED") return run("skipped")
  if (!isProven(entry)) return run("unproven")
  if (disk === undefined) return run("missing")
  if (disk.size !== entry.size) return run("modified")
  if (needsHash(entry, disk)) {
    if (disk.sha256 === undefined) return run("unproven")
    if (disk.sha256 !== entry.sha256) return run("modified")
  }
  if (!options.refresh) return { _tag: "Done", entry }
  const headers = validators(entry)
  return Object.keys(headers).length === 0 ? run("refresh") : { _tag: "Revalidate", entry, headers }
}

const stateOf = (fs: FileSystem.FileSystem, path: string): Effect.Effect<OnDisk | undefined> =>
  fs.stat(path).pipe(
    Effect.map((info) =>
      info.type === "File"
        ? { size: Number(info.size), mtime: Option.getOrUndefined(info.mtime)?.getTime() }
        : undefined
    ),
    Effect.orElseSucceed(() => undefined)
  )

/** A file's size and mtime now; none when it is missing or not a file. */
export const fileState = (path: string): Effect.Effect<Option.Option<OnDisk>, never, FileSystem.FileSystem> =>
  Effect.flatMap(FileSystem.FileSystem, (fs) => Effect.map(stateOf(fs, path), Option.fromNullable))

/** The SHA-256 of a file's bytes, read as a stream; none when it cannot be read. */
export const hashFile = (path: string): Effect.Effect<Option.Option<string>, never, FileSystem.FileSystem> =>
  Effect.map(
    Checksum.ofFile(path, ["sha-256"]),
    Option.map((digests) => digests["sha-256"])
  )

const checkWith = (
  fs: FileSystem.FileSystem,
  paths: Path.Path,
  entry: Entry | undefined,
  options: ResumeOptions,
  dest: string
): Effect.Effect<Decision> => {
  const file = entry?.file
  if (entry === undefined || file === undefined || !needsFile(entry, options)) {
    return Effect.succeed(decide(entry, undefined, options))
  }
  const path = paths.join(dest, file)
  return Effect.flatMap(stateOf(fs, path), (disk) =>
    disk === undefined || !needsHash(entry, disk)
      ? Effect.succeed(decide(entry, disk, options))
      : Effect.map(Effect.provideService(hashFile(path), FileSystem.FileSystem, fs), (hash) =>
          decide(entry, { ...disk, sha256: Option.getOrUndefined(hash) }, options)
        )
  )
}

/** Decides one item, looking at its file in `dest` (and hashing it) only when the decision needs it. */
export const check = (
  entry: Entry | undefined,
  options: ResumeOptions,
  dest: string
): Effect.Effect<Decision, never, FileSystem.FileSystem | Path.Path> =>
  Effect.flatMap(FileSystem.FileSystem, (fs) =>
    Effect.flatMap(Path.Path, (path) => checkWith(fs, path, entry, options, dest))
  )

/** The order a resuming run takes its items in, and how many it leaves out. */
export interface Plan {
  /**
   * Indexes of the items the run takes up: first those decided without a look at dest (new, failed,
   * not found), then the done ones, whose files `check` looks at as the run goes.
   */
  readonly order: ReadonlyArray<number>
  /** Items a `retryFailed` run leaves as they are: done, skipped, never journaled or partial, or not found. */
  readonly leftOut: number
}

/**
 * Orders a session's items from their last entries (`undefined`: never journaled), pure and O(items):
 * the items needing no look at their file go first, so the first request does not wait for every done
 * file to be looked at; `check` then decides each one as it comes up.
 */
export const plan = (entries: ReadonlyArray<Entry | undefined>, options: ResumeOptions): Plan => {
  const first: Array<number> = []
  const later: Array<number> = []
  entries.forEach((entry, i) => {
    if (needsFile(entry, options)) later.push(i)
    else {
      const decision = decide(entry, undefined, options)
      // a not-found item is skipped as not found by a plain resume, left out by a `retryFailed` one
      const leftOut = decision._tag === "LeftOut" || (options.retryFailed && decision._tag === "NotFound")
      if (!leftOut) first.push(i)
    }
  })
  const order = first.concat(later)
  return { order, leftOut: entries.length - order.length }
}
