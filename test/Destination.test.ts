import * as PlatformError from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import { assert, describe, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import {
  fileNameFor,
  prepareDestination,
  removeLeftovers,
  safeFileName,
  saveFile
} from "../src/download/Destination.js"
import * as MemoryFileSystem from "../src/testing/MemoryFileSystem.js"

const withFiles = (files: ReturnType<typeof MemoryFileSystem.make>) =>
  Effect.provide(Layer.merge(files.layer, Path.layer))

describe("prepareDestination", () => {
  it.effect("creates a missing folder, and accepts an existing one", () => {
    const files = MemoryFileSystem.make()
    return Effect.gen(function* () {
      yield* prepareDestination("/dest")
      assert.isTrue(files.state.directories.has("/dest"))
      yield* prepareDestination("/dest")
      assert.deepStrictEqual([...files.state.files.keys()], [], "the probe file is removed")
    }).pipe(withFiles(files))
  })

  it.effect("refuses a destination whose parent is missing, creating nothing", () => {
    const files = MemoryFileSystem.make()
    return Effect.gen(function* () {
      const error = yield* Effect.flip(prepareDestination("/typo/dest"))
      assert.strictEqual(error.message, "cannot write to /typo/dest: its parent folder does not exist")
      assert.deepStrictEqual([...files.state.directories], ["/"])
    }).pipe(withFiles(files))
  })

  it.effect("refuses a destination it cannot write to, before any download", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(prepareDestination("/readonly"))
      assert.strictEqual(error.message, "cannot write to /readonly: not writable")
    }).pipe(
      Effect.provide(
        Layer.merge(
          FileSystem.layerNoop({
            makeDirectory: () => Effect.void,
            stat: () => Effect.succeed({ type: "Directory" } as FileSystem.File.Info),
            writeFile: (path) =>
              Effect.fail(
                new PlatformError.SystemError({
                  module: "FileSystem",
                  method: "writeFile",
                  reason: "PermissionDenied",
                  pathOrDescriptor: path
                })
              )
          }),
          Path.layer
        )
      )
    )
  )

  it.effect("refuses a destination that is a file", () => {
    const files = MemoryFileSystem.make()
    files.state.files.set("/dest", new Uint8Array())
    return Effect.gen(function* () {
      const error = yield* Effect.flip(prepareDestination("/dest"))
      assert.strictEqual(error.message, "cannot write to /dest: not a folder")
    }).pipe(withFiles(files))
  })
})

describe("file names", () => {
  it("flags3 names: spaces become _, the code keeps them unique, hostile names stay plain", () => {
    assert.strictEqual(fileNameFor("BR", "png"), "BR.png")
    assert.strictEqual(fileNameFor("BR", "png", "Brazil"), "Brazil-BR.png")
    assert.strictEqual(fileNameFor("GB", "gif", "United Kingdom"), "United_Kingdom-GB.gif")
    assert.strictEqual(fileNameFor("XX", "png", ".."), "XX.png")
    assert.strictEqual(fileNameFor("XX", "png", "../../etc/passwd"), "etc_passwd-XX.png")
    assert.strictEqual(safeFileName(".hidden"), "hidden")
    assert.strictEqual(safeFileName("a\\b\u0000c"), "a_bc")
  })
})

describe("removeLeftovers", () => {
  it.effect("removes the temporary files a killed run left, and nothing else", () => {
    const files = MemoryFileSystem.make()
    files.state.directories.add("/dest")
    const keep = [
      "BR.png",
      ".hidden",
      "notes.part",
      ".x.part",
      ".BR.png.ABC.part",
      ".BR.png.abc.part.bak",
      ".BR.png.123456789abc.part",
      ".flags-probe-x",
      "flags-probe-12"
    ]
    const gone = [
      ".BR.png.1a2b3c.part",
      `.Brazil-BR.png.${Number.MAX_SAFE_INTEGER.toString(36)}.part`,
      ".CN.png.0.part",
      ".flags-probe-1234567"
    ]
    for (const name of [...keep, ...gone]) files.state.files.set(`/dest/${name}`, new Uint8Array([1]))
    files.state.directories.add("/dest/.folder.abc.part")
    files.state.files.set("/elsewhere/.BR.png.1a2b3c.part", new Uint8Array([1]))
    return Effect.gen(function* () {
      assert.deepStrictEqual(yield* removeLeftovers("/dest"), [...gone].sort())
      assert.deepStrictEqual(
        [...files.state.files.keys()].filter((path) => path.startsWith("/dest/")).sort(),
        keep.map((name) => `/dest/${name}`).sort()
      )
      assert.isTrue(files.state.directories.has("/dest/.folder.abc.part"), "a folder is never removed")
      assert.isTrue(files.state.files.has("/elsewhere/.BR.png.1a2b3c.part"))
      assert.deepStrictEqual(yield* removeLeftovers("/dest"), [])
    }).pipe(withFiles(files))
  })

  it.effect("removes what saveFile leaves when its run is killed before the rename", () => {
    const files = MemoryFileSystem.make()
    files.state.directories.add("/dest")
    // a run killed between the write and the rename: neither the rename nor the clean-up happens
    const killed = Layer.effect(
      FileSystem.FileSystem,
      Effect.map(Effect.provide(FileSystem.FileSystem, files.layer), (fs) => ({
        ...fs,
        rename: () => Effect.never,
        remove: () => Effect.void
      }))
    )
    return Effect.gen(function* () {
      // a daemon, never interrupted nor joined: the process is gone, not the fiber stopped
      yield* Effect.forkDaemon(
        saveFile("/dest", "Brazil-BR.png", new Uint8Array([1, 2])).pipe(
          Effect.provide(Layer.merge(killed, Path.layer)),
          Effect.ignore
        )
      )
      while (files.state.files.size === 0) yield* Effect.yieldNow()
      const left = [...files.state.files.keys()]
      assert.strictEqual(left.length, 1)
      assert.match(left[0] ?? "", /^\/dest\/\.Brazil-BR\.png\.[0-9a-z]+\.part$/)
      assert.strictEqual((yield* removeLeftovers("/dest")).length, 1)
      assert.deepStrictEqual([...files.state.files.keys()], [])
    }).pipe(withFiles(files))
  })

  it.effect("a dest not made yet holds nothing to remove", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(yield* removeLeftovers("/missing"), [])
    }).pipe(withFiles(MemoryFileSystem.make()))
  )

  it.effect("a dest it cannot read is a DestinationError", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(removeLeftovers("/locked"))
      assert.strictEqual(error.message, "cannot write to /locked: cannot read the folder")
    }).pipe(
      Effect.provide(
        Layer.merge(
          Layer.succeed(
            FileSystem.FileSystem,
            FileSystem.makeNoop({
              readDirectory: (path) =>
                Effect.fail(
                  new PlatformError.SystemError({
                    reason: "PermissionDenied",
                    module: "FileSystem",
                    method: "readDirectory",
                    pathOrDescriptor: path
                  })
                )
            })
          ),
          Path.layer
        )
      )
    )
  )
})

describe("saveFile interrupted", () => {
  // Node's writeFile, interrupted, is abandoned and not awaited: its file may be created after the
  // interruption has returned. Here the creation waits for a gate that opens only once the
  // interruption is under way; a clean-up that ran at once would have nothing to remove yet.
  it.effect("while the file is being created: the complete file or nothing, never a temporary one", () => {
    const files = MemoryFileSystem.make()
    files.state.directories.add("/dest")
    return Effect.gen(function* () {
      const started = yield* Deferred.make<void>()
      const gate = yield* Deferred.make<void>()
      const memory = yield* Effect.provide(FileSystem.FileSystem, files.layer)
      const abandoning = Layer.succeed(FileSystem.FileSystem, {
        ...memory,
        writeFile: (path, data, options) =>
          Effect.async<void, PlatformError.PlatformError>((resume) => {
            Deferred.unsafeDone(started, Effect.void)
            Effect.runFork(
              Effect.zipRight(Deferred.await(gate), memory.writeFile(path, data, options)).pipe(
                Effect.exit,
                Effect.map((exit) => resume(exit))
              )
            )
          })
      })
      const save = yield* Effect.fork(
        saveFile("/dest", "BR.png", new Uint8Array([1, 2])).pipe(
          Effect.provide(Layer.merge(abandoning, Path.layer))
        )
      )
      yield* Deferred.await(started)
      const interruption = yield* Effect.fork(Fiber.interrupt(save))
      yield* Effect.yieldNow()
      yield* Deferred.succeed(gate, undefined)
      yield* Fiber.join(interruption)
      yield* Effect.yieldNow()
      assert.deepStrictEqual([...files.state.files.keys()], ["/dest/BR.png"])
    })
  })
})
