/**
 * `MemoryFileSystem` behaves as `NodeFileSystem` does where a download depends on it: open handles with
 * their flags, streams into `sink`, truncation, and a full disk that writes what fits then fails with the
 * very error Node gives for ENOSPC (checked against a write to Linux's `/dev/full`).
 */
import { existsSync } from "node:fs"
import type * as PlatformError from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as HttpClient from "@effect/platform/HttpClient"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import * as MemoryFileSystem from "../src/testing/MemoryFileSystem.js"
import * as ServedFile from "../src/testing/ServedFile.js"

const bytes = (n: number, from = 0) => Uint8Array.from({ length: n }, (_, i) => (from + i) % 256)
const text = (data: Uint8Array | undefined) => new TextDecoder().decode(data)
const encode = (s: string) => new TextEncoder().encode(s)

/** The fields of a `SystemError` a caller may look at, its cause's errno fields included. */
const shape = (error: PlatformError.SystemError) => {
  const cause = error.cause as { code?: unknown; errno?: unknown; syscall?: unknown } | undefined
  return {
    _tag: error._tag,
    reason: error.reason,
    module: error.module,
    method: error.method,
    pathOrDescriptor: typeof error.pathOrDescriptor,
    syscall: error.syscall,
    description: error.description,
    cause: {
      isError: error.cause instanceof Error,
      code: cause?.code,
      errno: cause?.errno,
      syscall: cause?.syscall
    }
  }
}

/** The `SystemError` `effect` fails with (a success or another error is a defect). */
const failure = <A, R>(effect: Effect.Effect<A, PlatformError.PlatformError, R>) =>
  Effect.flatMap(Effect.flip(effect), (error) =>
    error._tag === "SystemError" ? Effect.succeed(error) : Effect.die(error)
  )

const writes = (path: string, chunks: ReadonlyArray<Uint8Array>) =>
  Effect.flatMap(FileSystem.FileSystem, (fs) => Stream.run(Stream.fromIterable(chunks), fs.sink(path)))

describe("MemoryFileSystem: a full disk", () => {
  it.effect.skipIf(!existsSync("/dev/full"))(
    "fails writeFile, write, writeAll and sink with the error NodeFileSystem gives for ENOSPC",
    () =>
      Effect.gen(function* () {
        const real = yield* Effect.provide(
          Effect.gen(function* () {
            const fs = yield* FileSystem.FileSystem
            const whole = yield* failure(fs.writeFile("/dev/full", bytes(10)))
            const handle = yield* fs.open("/dev/full", { flag: "w" })
            return {
              whole,
              write: yield* failure(handle.write(bytes(10))),
              sink: yield* failure(writes("/dev/full", [bytes(10)]))
            }
          }).pipe(Effect.scoped),
          NodeFileSystem.layer
        )
        const memory = MemoryFileSystem.make({ capacity: 5 })
        const fake = yield* Effect.provide(
          Effect.gen(function* () {
            const fs = yield* FileSystem.FileSystem
            const whole = yield* failure(fs.writeFile("/a", bytes(10)))
            yield* fs.remove("/a")
            const handle = yield* fs.open("/b", { flag: "w" })
            yield* handle.writeAll(bytes(5))
            const write = yield* failure(handle.write(bytes(10)))
            yield* fs.remove("/b")
            return { whole, write, sink: yield* failure(writes("/c", [bytes(10)])) }
          }).pipe(Effect.scoped),
          memory.layer
        )
        assert.deepStrictEqual(shape(fake.whole), shape(real.whole))
        assert.deepStrictEqual(shape(fake.write), shape(real.write))
        assert.deepStrictEqual(shape(fake.sink), shape(real.sink))
        assert.strictEqual(
          fake.whole.message,
          "Unknown: FileSystem.writeFile (/a): ENOSPC: no space left on device, write"
        )
        assert.deepStrictEqual(shape(real.sink), {
          _tag: "SystemError",
          reason: "Unknown",
          module: "FileSystem",
          method: "writeAll",
          pathOrDescriptor: "number",
          syscall: "write",
          description: "ENOSPC: no space left on device, write",
          cause: { isError: true, code: "ENOSPC", errno: -28, syscall: "write" }
        })
      })
  )

  it.effect("a stream into sink stops at the byte the disk fills at; the file keeps what fitted", () => {
    const memory = MemoryFileSystem.make({ capacity: 1000 })
    return Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      yield* fs.writeFile("/other", bytes(300))
      const chunks = Array.from({ length: 10 }, (_, i) => bytes(100, i * 100))
      const error = yield* failure(writes("/big.part", chunks))
      assert.strictEqual((error.cause as { code?: string }).code, "ENOSPC")
      assert.deepStrictEqual(memory.state.files.get("/big.part"), bytes(700))
      assert.strictEqual(memory.used(), 1000)
      assert.deepStrictEqual(memory.openFiles(), [], "the sink's handle is closed")
      // removing a file frees its space, as on a disk
      yield* fs.remove("/other")
      yield* fs.writeFile("/small", bytes(300))
    }).pipe(Effect.provide(memory.layer))
  })

  it.effect("write is short when only part fits, then fails; writeAll writes what fits then fails", () => {
    const memory = MemoryFileSystem.make({ capacity: 10 })
    return Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const handle = yield* fs.open("/f", { flag: "w" })
      assert.strictEqual(Number(yield* handle.write(bytes(6))), 6)
      assert.strictEqual(Number(yield* handle.write(bytes(6))), 4, "the kernel writes what fits")
      assert.strictEqual((yield* failure(handle.write(bytes(1)))).method, "write")
      yield* handle.truncate(5)
      const error = yield* failure(handle.writeAll(bytes(8)))
      assert.strictEqual(error.method, "writeAll")
      assert.strictEqual(memory.state.files.get("/f")?.length, 10)
    }).pipe(Effect.scoped, Effect.provide(memory.layer))
  })

  it.effect("full: EDQUOT says the quota is used up instead", () => {
    const memory = MemoryFileSystem.make({ capacity: 1, full: "EDQUOT" })
    return Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const error = yield* failure(fs.writeFile("/f", bytes(2)))
      assert.strictEqual(error.description, "EDQUOT: disk quota exceeded, write")
      assert.strictEqual((error.cause as { code?: string }).code, "EDQUOT")
    }).pipe(Effect.provide(memory.layer))
  })

  it.effect(
    "a body streamed from a served file fills the disk at its capacity: the file keeps exactly what fitted",
    () => {
      const memory = MemoryFileSystem.make({ capacity: 150_000 })
      const served = ServedFile.client({ bytes: bytes(200_000) }, { chunkSize: 16_384 })
      return Effect.gen(function* () {
        const fs = yield* FileSystem.FileSystem
        const response = yield* (yield* HttpClient.HttpClient).get("http://files.test/big.bin")
        const saved = yield* Effect.exit(Stream.run(response.stream, fs.sink("/dest/big.bin.part")))
        assert.isTrue(Exit.isFailure(saved))
        assert.deepStrictEqual(memory.state.files.get("/dest/big.bin.part"), bytes(150_000))
        assert.strictEqual(served.stats.inFlight, 0, "the body is no longer read")
      }).pipe(Effect.provide(Layer.merge(memory.layer, served.layer)))
    }
  )
})

describe("MemoryFileSystem: open files as Node's", () => {
  it.effect("the flags: w truncates, a appends, wx refuses an existing file, r needs one", () => {
    const memory = MemoryFileSystem.make()
    return Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      yield* fs.writeFile("/f", encode("hello"))
      yield* Effect.scoped(
        Effect.flatMap(fs.open("/f", { flag: "a" }), (file) => file.writeAll(encode(" world")))
      )
      assert.strictEqual(text(memory.state.files.get("/f")), "hello world")
      assert.strictEqual(
        (yield* failure(Effect.scoped(fs.open("/f", { flag: "wx" })))).reason,
        "AlreadyExists"
      )
      assert.strictEqual((yield* failure(Effect.scoped(fs.open("/nope")))).reason, "NotFound")
      yield* Effect.scoped(
        Effect.flatMap(fs.open("/f", { flag: "w" }), (file) => file.writeAll(encode("new")))
      )
      assert.strictEqual(text(memory.state.files.get("/f")), "new")
      assert.strictEqual(yield* fs.readFileString("/f"), "new")
    }).pipe(Effect.provide(memory.layer))
  })

  it.effect("a handle writes at its position (seek, r+), reads back, and knows its size", () => {
    const memory = MemoryFileSystem.make()
    return Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      yield* fs.writeFile("/f", encode("abcdef"))
      const file = yield* fs.open("/f", { flag: "r+" })
      yield* file.seek(2, "start")
      yield* file.writeAll(encode("XY"))
      assert.strictEqual(text(memory.state.files.get("/f")), "abXYef")
      yield* file.seek(0, "start")
      assert.strictEqual(text(Option.getOrUndefined(yield* file.readAlloc(3))), "abX")
      assert.strictEqual(Number((yield* file.stat).size), 6)
      yield* file.truncate(2)
      yield* file.seek(4, "start")
      yield* file.writeAll(encode("Z"))
      assert.deepStrictEqual(
        [...(memory.state.files.get("/f") ?? [])],
        [97, 98, 0, 0, 90],
        "zeros in the gap"
      )
    }).pipe(Effect.scoped, Effect.provide(memory.layer))
  })

  it.effect("a handle is EBADF once closed or for what it was not opened for", () => {
    const memory = MemoryFileSystem.make()
    return Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      yield* fs.writeFile("/f", encode("abc"))
      const reader = yield* Effect.scoped(
        Effect.gen(function* () {
          const file = yield* fs.open("/f")
          assert.deepStrictEqual(memory.openFiles(), ["/f"])
          assert.strictEqual((yield* failure(file.writeAll(encode("x")))).reason, "BadResource")
          return file
        })
      )
      assert.deepStrictEqual(memory.openFiles(), [])
      assert.strictEqual((yield* failure(reader.readAlloc(1))).reason, "BadResource")
    }).pipe(Effect.provide(memory.layer))
  })

  it.effect("a file renamed while open: later writes land under its new name, as with an inode", () => {
    const memory = MemoryFileSystem.make()
    return Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const file = yield* fs.open("/f.part", { flag: "w" })
      yield* file.writeAll(encode("one "))
      yield* fs.rename("/f.part", "/f")
      yield* file.writeAll(encode("two"))
      assert.strictEqual(text(memory.state.files.get("/f")), "one two")
      assert.isFalse(yield* fs.exists("/f.part"))
    }).pipe(Effect.scoped, Effect.provide(memory.layer))
  })

  it.effect("streaming a file back and large bodies in many chunks", () => {
    const memory = MemoryFileSystem.make()
    return Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const chunks = Array.from({ length: 64 }, (_, i) => bytes(65_536, i))
      yield* writes("/big", chunks)
      assert.strictEqual(memory.state.files.get("/big")?.length, 64 * 65_536)
      const back = yield* Stream.runFold(
        fs.stream("/big", { chunkSize: 100_000 }),
        0,
        (n, chunk) => n + chunk.length
      )
      assert.strictEqual(back, 64 * 65_536)
    }).pipe(Effect.provide(memory.layer))
  })

  it.effect("writeDelay: each write through a handle takes its time on Effect's clock", () => {
    const memory = MemoryFileSystem.make({ writeDelay: "1 second" })
    return Effect.gen(function* () {
      const fiber = yield* Effect.fork(writes("/f", [bytes(10), bytes(10), bytes(10)]))
      yield* TestClock.adjust("2 seconds")
      assert.strictEqual(memory.state.files.get("/f")?.length, 20)
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)
      assert.strictEqual(memory.state.files.get("/f")?.length, 30)
    }).pipe(Effect.provide(memory.layer))
  })

  it.effect("truncate by path, remove as rm (force, recursive), readDirectory sees the partial files", () => {
    const memory = MemoryFileSystem.make()
    return Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      yield* fs.makeDirectory("/dest/sub", { recursive: true })
      yield* fs.writeFile("/dest/a.part", encode("abcdef"))
      yield* fs.writeFile("/dest/sub/b", encode("b"))
      yield* fs.truncate("/dest/a.part", 3)
      assert.strictEqual(text(memory.state.files.get("/dest/a.part")), "abc")
      assert.deepStrictEqual(yield* fs.readDirectory("/dest"), ["a.part", "sub"])
      assert.strictEqual((yield* failure(fs.remove("/dest/missing"))).reason, "NotFound")
      yield* fs.remove("/dest/missing", { force: true })
      assert.strictEqual((yield* failure(fs.remove("/dest/sub"))).reason, "BadResource")
      yield* fs.remove("/dest/sub", { recursive: true })
      assert.deepStrictEqual(yield* fs.readDirectory("/dest"), ["a.part"])
    }).pipe(Effect.provide(memory.layer))
  })
})
