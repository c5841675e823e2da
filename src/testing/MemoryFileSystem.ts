/**
 * An in-memory `FileSystem` for tests: what the downloader writes lands in a `Map`; writes can be slowed
 * on Effect's clock (`writeDelay`) or fail once the disk is full (`capacity`), with the `ENOSPC` error
 * `NodeFileSystem` gives. Files can be written whole (`writeFile`), through an open handle (`open`,
 * `write`, `writeAll`, `truncate`) or streamed (`sink`, `stream`). Each file's modification time is the
 * Clock time of its last write (`mtimes`, which a test may change as `touch` would).
 */
import type * as PlatformError from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import {
  type Disk,
  diskFull,
  type FullCode,
  free,
  type MemoryFiles,
  normal,
  parentOf,
  systemError,
  used
} from "./internal/memoryDisk.js"
import { inodeAt, makeFile, truncatePath } from "./internal/memoryFile.js"

export type { FullCode, MemoryFiles } from "./internal/memoryDisk.js"

/** Options of `make`. */
export interface MemoryFileSystemOptions {
  /** Effect time each write takes (a slow disk). */
  readonly writeDelay?: Duration.DurationInput
  /** The disk holds this many bytes in all files; a write past it fails (after writing what fits). */
  readonly capacity?: number
  /** What a full disk says: `ENOSPC` (default), or `EDQUOT` for a quota used up. */
  readonly full?: FullCode
}

const notFound = (method: string, path: string, syscall = method) =>
  systemError("NotFound", "ENOENT", method, syscall, path)

/** A fresh in-memory file system (only `/` exists), its layer, its files, and what it takes. */
export const make = (options: MemoryFileSystemOptions = {}) => {
  const state: MemoryFiles = { files: new Map(), directories: new Set(["/"]), mtimes: new Map() }
  const disk: Disk = {
    state,
    capacity: options.capacity,
    full: options.full ?? "ENOSPC",
    writeDelay: options.writeDelay,
    open: new Map()
  }
  let descriptors = 10
  const isDirectory = (path: string) => state.directories.has(normal(path))
  const open = (path: string, openOptions?: FileSystem.OpenFileOptions) =>
    Effect.gen(function* () {
      const flag = openOptions?.flag ?? "r"
      if (isDirectory(path)) return yield* systemError("BadResource", "EISDIR", "open", "open", path)
      const exists = state.files.has(path)
      if (exists && flag.includes("x"))
        return yield* systemError("AlreadyExists", "EEXIST", "open", "open", path)
      // a missing parent folder is no error when writing here: many tests never make their dest
      if (!exists && flag.startsWith("r")) {
        return yield* notFound("open", path)
      }
      const now = yield* Clock.currentTimeMillis
      if (!exists) {
        state.files.set(path, new Uint8Array(0))
        state.mtimes.set(path, now)
      }
      const inode = inodeAt(disk, path)
      if (exists && flag.startsWith("w")) truncatePath(disk, path, 0, now)
      const fd = descriptors++
      disk.open.set(fd, { path })
      const handle = makeFile(disk, inode, fd, flag)
      return yield* Effect.acquireRelease(Effect.succeed(handle.file), () => handle.close)
    })
  const impl: Partial<FileSystem.FileSystem> = {
    access: (path) =>
      state.files.has(path) || isDirectory(path) ? Effect.void : Effect.fail(notFound("access", path)),
    // as Node's mkdir: without `recursive`, an existing entry or a missing parent is an error
    makeDirectory: (path, options) =>
      Effect.suspend(() => {
        const dir = normal(path)
        const exists = state.files.has(dir) || state.directories.has(dir)
        if (exists && !(options?.recursive && state.directories.has(dir))) {
          return Effect.fail(systemError("AlreadyExists", "EEXIST", "makeDirectory", "mkdir", path))
        }
        if (!options?.recursive && !state.directories.has(parentOf(dir))) {
          return Effect.fail(notFound("makeDirectory", path, "mkdir"))
        }
        return Effect.sync(() => {
          // recursive: every missing ancestor too
          for (let at = dir; at !== "" && !state.directories.has(at); at = at.replace(/\/[^/]*$/, "")) {
            state.directories.add(at)
          }
        })
      }),
    stat: (path) =>
      Effect.suspend(() => {
        if (isDirectory(path)) return Effect.succeed({ type: "Directory" } as FileSystem.File.Info)
        const data = state.files.get(path)
        if (data === undefined) return Effect.fail(notFound("stat", path))
        const mtime = Option.map(Option.fromNullable(state.mtimes.get(path)), (ms) => new Date(ms))
        return Effect.succeed({
          type: "File",
          size: FileSystem.Size(data.length),
          mtime
        } as FileSystem.File.Info)
      }),
    readFile: (path) =>
      Effect.suspend(() => {
        const data = state.files.get(path)
        return data === undefined
          ? Effect.fail(notFound("readFile", path, "open"))
          : Effect.succeed(data.slice())
      }),
    // the names directly inside `path`, files and folders
    readDirectory: (path) =>
      Effect.suspend(() => {
        const dir = normal(path)
        if (!state.directories.has(dir)) return Effect.fail(notFound("readDirectory", path, "scandir"))
        const prefix = dir === "/" ? "/" : `${dir}/`
        const names = [...state.files.keys(), ...state.directories]
          .filter(
            (entry) => entry.startsWith(prefix) && entry !== dir && !entry.slice(prefix.length).includes("/")
          )
          .map((entry) => entry.slice(prefix.length))
        return Effect.succeed(names.sort())
      }),
    writeFile: (path, data, writeOptions) =>
      Effect.gen(function* () {
        if (isDirectory(path)) return yield* systemError("BadResource", "EISDIR", "writeFile", "open", path)
        const appends = writeOptions?.flag?.startsWith("a") === true
        const kept = appends ? (state.files.get(path) ?? empty) : empty
        const withKept = (bytes: Uint8Array) => (kept.length === 0 ? bytes : concat(kept, bytes))
        // a write in progress is visible as a partial file, as on a real disk
        state.files.set(path, withKept(data.subarray(0, Math.floor(data.length / 2))))
        yield* Effect.sleep(options.writeDelay ?? Duration.zero)
        // opened with "w": the old bytes are gone, their space free, before the new ones are written
        state.files.set(path, kept)
        const fits = Math.min(data.length, free(disk))
        state.files.set(path, withKept(data.subarray(0, fits)))
        state.mtimes.set(path, yield* Clock.currentTimeMillis)
        if (fits < data.length) return yield* diskFull(disk.full, "writeFile", path)
      }),
    truncate: (path, length) =>
      Effect.suspend(() =>
        state.files.has(path)
          ? Effect.flatMap(Clock.currentTimeMillis, (now) =>
              Effect.sync(() => truncatePath(disk, path, Number(length ?? 0), now))
            )
          : Effect.fail(notFound("truncate", path, "open"))
      ),
    rename: (from, to) =>
      Effect.suspend(() => {
        const data = state.files.get(from)
        if (data === undefined) return Effect.fail(notFound("rename", from))
        const mtime = state.mtimes.get(from)
        state.files.delete(from)
        state.mtimes.delete(from)
        state.files.set(to, data)
        if (mtime !== undefined) state.mtimes.set(to, mtime)
        return Effect.void
      }),
    // as Node's rm: a missing path is an error unless `force`, a folder needs `recursive`
    remove: (path, options) =>
      Effect.suspend((): Effect.Effect<void, PlatformError.PlatformError> => {
        const dir = normal(path)
        if (state.directories.has(dir)) {
          if (options?.recursive !== true)
            return Effect.fail(systemError("BadResource", "EISDIR", "remove", "rm", path))
          const inside = (entry: string) => entry === dir || entry.startsWith(dir === "/" ? "/" : `${dir}/`)
          for (const file of [...state.files.keys()].filter(inside)) {
            state.files.delete(file)
            state.mtimes.delete(file)
          }
          for (const folder of [...state.directories].filter(inside))
            if (folder !== "/") state.directories.delete(folder)
          return Effect.void
        }
        if (!state.files.has(path))
          return options?.force === true ? Effect.void : Effect.fail(notFound("remove", path, "rm"))
        state.files.delete(path)
        state.mtimes.delete(path)
        return Effect.void
      }),
    open
  }
  // `make` derives `exists`, `stream`, `sink`, `readFileString` and `writeFileString` from the above, as
  // NodeFileSystem does: a stream into `sink` is `open(path, { flag: "w" })` then `writeAll` per chunk
  const fs = FileSystem.make({ ...FileSystem.makeNoop({}), ...impl } as Parameters<typeof FileSystem.make>[0])
  return {
    layer: Layer.succeed(FileSystem.FileSystem, fs),
    state,
    /** Bytes all files take now. */
    used: () => used(disk),
    /** The paths of the files open now (as they were opened). */
    openFiles: (): ReadonlyArray<string> => [...disk.open.values()].map((entry) => entry.path)
  }
}

const empty = new Uint8Array(0)

const concat = (a: Uint8Array, b: Uint8Array) => {
  const joined = new Uint8Array(a.length + b.length)
  joined.set(a)
  joined.set(b, a.length)
  return joined
}
