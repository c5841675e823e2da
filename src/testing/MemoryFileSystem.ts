/**
 * An in-memory `FileSystem` for tests: what the downloader writes lands in a `Map`; writes can be slowed
 * on Effect's clock (`writeDelay`) or fail once the disk is full (`capacity`). Each file's modification
 * time is the Clock time of its last write (`mtimes`, which a test may change as `touch` would).
 */

import * as PlatformError from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"

/** What the fake file system holds: files, directories and modification times, for a test to read or change. */
export interface MemoryFiles {
  readonly files: Map<string, Uint8Array>
  readonly directories: Set<string>
  /** Each file's modification time, Clock milliseconds. */
  readonly mtimes: Map<string, number>
}

const notFound = (method: string, path: string) =>
  new PlatformError.SystemError({ module: "FileSystem", method, reason: "NotFound", pathOrDescriptor: path })

/** A fresh in-memory file system: its `layer` (`FileSystem`) and its `state`. */
export const make = (
  options: {
    /** Each write takes this long on Effect's clock. */
    readonly writeDelay?: Duration.DurationInput
    /** Fails writes once this many bytes have been written in all (a full disk). */
    readonly capacity?: number
  } = {}
) => {
  const state: MemoryFiles = { files: new Map(), directories: new Set(["/"]), mtimes: new Map() }
  let written = 0
  const fs = FileSystem.makeNoop({
    access: (path) =>
      state.files.has(path) || state.directories.has(path.replace(/\/+$/, "") || "/")
        ? Effect.void
        : Effect.fail(notFound("access", path)),
    exists: (path) =>
      Effect.sync(() => state.files.has(path) || state.directories.has(path.replace(/\/+$/, "") || "/")),
    // as Node's mkdir: without `recursive`, an existing entry or a missing parent is an error
    makeDirectory: (path, options) =>
      Effect.suspend(() => {
        const dir = path.replace(/\/+$/, "")
        const parent = dir.replace(/\/[^/]*$/, "") || "/"
        const exists = state.files.has(dir) || state.directories.has(dir)
        if (exists && !(options?.recursive && state.directories.has(dir))) {
          return Effect.fail(
            new PlatformError.SystemError({
              module: "FileSystem",
              method: "makeDirectory",
              reason: "AlreadyExists",
              pathOrDescriptor: path
            })
          )
        }
        if (!options?.recursive && !state.directories.has(parent)) {
          return Effect.fail(notFound("makeDirectory", path))
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
        if (state.directories.has(path.replace(/\/+$/, ""))) {
          return Effect.succeed({ type: "Directory" } as FileSystem.File.Info)
        }
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
        return data === undefined ? Effect.fail(notFound("readFile", path)) : Effect.succeed(data)
      }),
    // the names directly inside `path`, files and folders
    readDirectory: (path) =>
      Effect.suspend(() => {
        const dir = path.replace(/\/+$/, "") || "/"
        if (!state.directories.has(dir)) return Effect.fail(notFound("readDirectory", path))
        const prefix = dir === "/" ? "/" : `${dir}/`
        const names = [...state.files.keys(), ...state.directories]
          .filter(
            (entry) => entry.startsWith(prefix) && entry !== dir && !entry.slice(prefix.length).includes("/")
          )
          .map((entry) => entry.slice(prefix.length))
        return Effect.succeed(names.sort())
      }),
    writeFile: (path, data) =>
      Effect.gen(function* () {
        // a write in progress is visible as a partial file, as on a real disk
        state.files.set(path, data.subarray(0, Math.floor(data.length / 2)))
        yield* Effect.sleep(options.writeDelay ?? Duration.zero)
        if (options.capacity !== undefined && written + data.length > options.capacity) {
          state.files.set(path, data.subarray(0, options.capacity - written))
          written = options.capacity
          return yield* new PlatformError.SystemError({
            module: "FileSystem",
            method: "writeFile",
            reason: "Unknown",
            pathOrDescriptor: path,
            description: "ENOSPC: no space left on device"
          })
        }
        written += data.length
        state.files.set(path, data)
        state.mtimes.set(path, yield* Clock.currentTimeMillis)
      }),
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
    remove: (path) =>
      Effect.sync(() => {
        state.files.delete(path)
        state.mtimes.delete(path)
      })
  })
  return { layer: Layer.succeed(FileSystem.FileSystem, fs), state }
}
