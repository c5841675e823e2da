/**
 * An open file of `MemoryFileSystem`, as `NodeFileSystem`'s: a position that `write` advances (not in
 * append mode), short writes then `ENOSPC` when the disk fills, `EBADF` once closed. Its bytes live in a
 * growing buffer shared by every handle on the file (an inode), so writing a body in chunks costs what
 * a disk would, not a copy of the whole file per chunk.
 */
import * as PlatformError from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { type Disk, diskFull, free, systemError } from "./memoryDisk.js"

/** A file's bytes, whatever name it has now; `view` is what `state.files` shows under that name. */
interface Inode {
  buffer: Uint8Array
  length: number
  view: Uint8Array
  path: string | undefined
}

const inodes = new WeakMap<Uint8Array, Inode>()

/** The inode of the file at `path`, made (from a copy of its bytes) the first time a handle opens it. */
export const inodeAt = (disk: Disk, path: string): Inode => {
  const data = disk.state.files.get(path) ?? new Uint8Array(0)
  const known = inodes.get(data)
  if (known !== undefined) return known
  const buffer = data.slice()
  const inode: Inode = { buffer, length: data.length, view: buffer.subarray(0, data.length), path }
  inodes.set(inode.view, inode)
  disk.state.files.set(path, inode.view)
  return inode
}

/** Where the inode is now (a rename moved its view; `undefined` once removed or replaced, as unlinked). */
const locate = (disk: Disk, inode: Inode): string | undefined => {
  if (inode.path !== undefined && disk.state.files.get(inode.path) === inode.view) return inode.path
  inode.path = undefined
  for (const [path, data] of disk.state.files) if (data === inode.view) inode.path = path
  return inode.path
}

/** Resizes the inode to `length` (zeros past the old end) and shows it under its name, now modified. */
const publish = (disk: Disk, inode: Inode, length: number, now: number) => {
  const path = locate(disk, inode)
  if (length > inode.buffer.length) {
    const grown = new Uint8Array(Math.max(length, inode.buffer.length * 2, 4096))
    grown.set(inode.buffer.subarray(0, inode.length))
    inode.buffer = grown
  } else if (length < inode.length) {
    // what a later extension shows must be zeros, as on a disk
    inode.buffer.fill(0, length, inode.length)
  }
  inode.length = length
  inode.view = inode.buffer.subarray(0, length)
  inodes.set(inode.view, inode)
  if (path !== undefined) {
    disk.state.files.set(path, inode.view)
    disk.state.mtimes.set(path, now)
  }
}

/** Writes what fits of `bytes` at `position`; returns how many bytes that was. */
const writeAt = (disk: Disk, inode: Inode, position: number, bytes: Uint8Array, now: number) => {
  const growth = Math.max(0, position + bytes.length - inode.length)
  // an unlinked file takes no space anyone can see: let it be
  const room = locate(disk, inode) === undefined ? Number.POSITIVE_INFINITY : free(disk)
  const fits = growth <= room ? bytes.length : Math.max(0, bytes.length - (growth - room))
  if (fits === 0) return 0
  publish(disk, inode, Math.max(inode.length, position + fits), now)
  inode.buffer.set(bytes.subarray(0, fits), position)
  return fits
}

/** A handle on `inode`, opened with `flag`, as descriptor `fd`; `close` ends it. */
export const makeFile = (disk: Disk, inode: Inode, fd: number, flag: FileSystem.OpenFlag) => {
  const append = flag.startsWith("a")
  const writable = flag !== "r"
  const readable = flag === "r" || flag.endsWith("+")
  const semaphore = Effect.unsafeMakeSemaphore(1)
  let position = 0
  let closed = false
  const badDescriptor = (method: string) =>
    Effect.fail(systemError("BadResource", "EBADF", method, method, fd))
  // one operation at a time, as Node's handle does; EBADF when closed or not opened for it
  const guarded = <A>(
    method: string,
    needs: boolean,
    body: () => Effect.Effect<A, PlatformError.PlatformError>
  ) => semaphore.withPermits(1)(Effect.suspend(() => (closed || !needs ? badDescriptor(method) : body())))
  const slowly = Effect.suspend(() =>
    disk.writeDelay === undefined ? Effect.void : Effect.sleep(Duration.decode(disk.writeDelay))
  )
  const write = (method: "write" | "writeAll", bytes: Uint8Array) =>
    guarded(method, writable, () =>
      // NodeFileSystem's writeAll of nothing: the write returns 0 bytes, which it takes as a failure
      method === "writeAll" && bytes.length === 0
        ? Effect.fail(
            new PlatformError.SystemError({
              module: "FileSystem",
              method: "writeAll",
              reason: "WriteZero",
              pathOrDescriptor: fd,
              description: "write returned 0 bytes written"
            })
          )
        : Effect.zipRight(
            slowly,
            Effect.flatMap(Clock.currentTimeMillis, (now) => {
              const at = append ? inode.length : position
              const written = writeAt(disk, inode, at, bytes, now)
              if (!append) position = at + written
              // a short write (what fitted) is the kernel's answer; the next one is ENOSPC, which writeAll meets
              const refused = method === "write" ? written === 0 && bytes.length > 0 : written < bytes.length
              return refused ? Effect.fail(diskFull(disk.full, method, fd)) : Effect.succeed(written)
            })
          )
    )
  const file: FileSystem.File = {
    [FileSystem.FileTypeId]: FileSystem.FileTypeId,
    fd: FileSystem.FileDescriptor(fd),
    get stat() {
      return guarded("stat", true, () => {
        const path = locate(disk, inode)
        const mtime = path === undefined ? undefined : disk.state.mtimes.get(path)
        return Effect.succeed({
          type: "File",
          size: FileSystem.Size(inode.length),
          mtime: Option.map(Option.fromNullable(mtime), (ms) => new Date(ms))
        } as FileSystem.File.Info)
      })
    },
    sync: Effect.suspend(() => (closed ? badDescriptor("sync") : Effect.void)),
    seek: (offset, from) =>
      semaphore.withPermits(1)(
        Effect.sync(() => {
          position = (from === "start" ? 0 : position) + Number(offset)
        })
      ),
    read: (buffer) =>
      guarded("read", readable, () => {
        const n = Math.max(0, Math.min(buffer.length, inode.length - position))
        buffer.set(inode.buffer.subarray(position, position + n))
        position += n
        return Effect.succeed(FileSystem.Size(n))
      }),
    readAlloc: (size) =>
      guarded("readAlloc", readable, () => {
        const n = Math.max(0, Math.min(Number(size), inode.length - position))
        const bytes = inode.buffer.slice(position, position + n)
        position += n
        return Effect.succeed(n === 0 ? Option.none() : Option.some(bytes))
      }),
    truncate: (length) =>
      guarded("truncate", writable, () =>
        Effect.map(Clock.currentTimeMillis, (now) => {
          const size = Number(length ?? 0)
          publish(disk, inode, size, now)
          if (!append && position > size) position = size
        })
      ),
    write: (bytes) => Effect.map(write("write", bytes), FileSystem.Size),
    writeAll: (bytes) => Effect.asVoid(write("writeAll", bytes))
  }
  const close = Effect.sync(() => {
    closed = true
    disk.open.delete(fd)
  })
  return { file, close }
}

/** `truncate(path, length)` on a closed file: as a handle would, sharing the bytes of open ones. */
export const truncatePath = (disk: Disk, path: string, length: number, now: number) =>
  publish(disk, inodeAt(disk, path), length, now)
