/**
 * The disk under `MemoryFileSystem`: its files, the space they take, and the errors it fails with, in
 * the shape `@effect/platform-node`'s `NodeFileSystem` gives them (a `SystemError` whose `cause` is
 * Node's own error, with its `code`, `errno` and `syscall`).
 */
import * as PlatformError from "@effect/platform/Error"
import type * as Duration from "effect/Duration"

/** What the disk holds: files (path → bytes), folders, and when each file was last written. */
export interface MemoryFiles {
  readonly files: Map<string, Uint8Array>
  readonly directories: Set<string>
  /** Each file's modification time, Clock milliseconds. */
  readonly mtimes: Map<string, number>
}

/** The error a full disk gives: no space left, or the user's quota used up. */
export type FullCode = "ENOSPC" | "EDQUOT"

/** What the file system and its open files share. */
export interface Disk {
  readonly state: MemoryFiles
  readonly capacity: number | undefined
  readonly full: FullCode
  readonly writeDelay: Duration.DurationInput | undefined
  /** The files open now, by descriptor. */
  readonly open: Map<number, { readonly path: string }>
}

/** Bytes the files take now: removing or truncating one frees its space, as on a real disk. */
export const used = (disk: Disk) => {
  let total = 0
  for (const data of disk.state.files.values()) total += data.length
  return total
}

/** How many more bytes fit (Infinity without a capacity). */
export const free = (disk: Disk) =>
  disk.capacity === undefined ? Number.POSITIVE_INFINITY : Math.max(0, disk.capacity - used(disk))

const errnos: Record<FullCode, { readonly errno: number; readonly text: string }> = {
  ENOSPC: { errno: -28, text: "no space left on device" },
  EDQUOT: { errno: -122, text: "disk quota exceeded" }
}

/**
 * A write refused by a full disk, as `NodeFileSystem` reports one: reason `Unknown` (it maps no reason
 * to ENOSPC), the path for `writeFile` or the descriptor for `write`/`writeAll`, and Node's error.
 */
export const diskFull = (code: FullCode, method: string, pathOrDescriptor: string | number) => {
  const description = `${code}: ${errnos[code].text}, write`
  return new PlatformError.SystemError({
    module: "FileSystem",
    method,
    reason: "Unknown",
    pathOrDescriptor,
    syscall: "write",
    description,
    cause: Object.assign(new Error(description), { errno: errnos[code].errno, code, syscall: "write" })
  })
}

/** A failure as Node's would be for `code` (`ENOENT`, `EEXIST`, `EISDIR`, `ENOTDIR`). */
export const systemError = (
  reason: PlatformError.SystemErrorReason,
  code: string,
  method: string,
  syscall: string,
  path: string | number
) => {
  const description = `${code}: ${reason}, ${syscall} '${path}'`
  return new PlatformError.SystemError({
    module: "FileSystem",
    method,
    reason,
    pathOrDescriptor: path,
    syscall,
    description,
    cause: Object.assign(new Error(description), { code, syscall, path })
  })
}

/** The folder `path` is in. */
export const parentOf = (path: string) => path.replace(/\/+$/, "").replace(/\/[^/]*$/, "") || "/"

/** `path` without trailing slashes (the root stays `/`). */
export const normal = (path: string) => path.replace(/\/+$/, "") || "/"
