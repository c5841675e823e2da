import * as PlatformError from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { fileNameFor, prepareDestination, safeName } from "../src/FlagFiles.js"
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
    assert.strictEqual(safeName(".hidden"), "hidden")
    assert.strictEqual(safeName("a\\b\u0000c"), "a_bc")
  })
})
