/**
 * Files of any size streamed to disk and resumed, with the fakes of `effect-flags/testing` and
 * `TestClock`: a body broken at byte N goes on with `Range: bytes=N-` and `If-Range`; a changed file
 * (If-Range no longer matching) or a server that ignores ranges starts again from zero; a 416 whose
 * length is what is on disk finishes the file; a checksum that differs keeps nothing; a full disk is
 * the save's failure, not the server's. The final SHA-256 is always the whole file's.
 */
import { createHash } from "node:crypto"
import * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Path from "@effect/platform/Path"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import * as FileTransfer from "../src/download/FileTransfer.js"
import { defaultRequestOptions } from "../src/download/HttpGet.js"
import * as MemoryFileSystem from "../src/testing/MemoryFileSystem.js"
import * as MemoryHttpClient from "../src/testing/MemoryHttpClient.js"
import * as ServedFile from "../src/testing/ServedFile.js"
import { seededBytes } from "./support/bigFile.js"

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")

const v1 = { bytes: seededBytes(300_000, 1), etag: '"v1"' }
const v2 = { bytes: seededBytes(280_000, 2), etag: '"v2"' }
const target = { url: "http://files.test/big.bin", dest: "/dest", name: "big.bin" }
const options = { ...defaultRequestOptions, maxBytes: Number.POSITIVE_INFINITY }

const run = (
  http: { readonly layer: Layer.Layer<HttpClient.HttpClient> },
  fs: ReturnType<typeof MemoryFileSystem.make>,
  self: Effect.Effect<
    FileTransfer.Transferred | FileTransfer.NotModified,
    FileTransfer.TransferError,
    HttpClient.HttpClient | FileSystem.FileSystem | Path.Path
  >
) =>
  Effect.gen(function* () {
    // retries back off on Effect's clock: it moves on a second at a time until the transfer ends
    const transferred = Effect.flatMap(self, (result) =>
      result._tag === "Transferred" ? Effect.succeed(result) : Effect.dieMessage("not asked with conditions")
    )
    const fiber = yield* Effect.fork(
      Effect.exit(Effect.provide(transferred, Layer.mergeAll(http.layer, fs.layer, Path.layer)))
    )
    for (let second = 0; second < 600; second++) {
      const done = yield* Fiber.poll(fiber)
      if (Option.isSome(done)) return yield* done.value
      yield* TestClock.adjust("1 second")
    }
    return yield* Fiber.join(fiber)
  })

const freshDisk = () => {
  const fs = MemoryFileSystem.make()
  fs.state.directories.add("/dest")
  return fs
}

describe("FileTransfer.toFile", () => {
  it.effect(
    "a body broken at byte N goes on from N with Range and If-Range: the whole file, hashed whole",
    () =>
      Effect.gen(function* () {
        const http = ServedFile.client(v1, { breakAt: 100_000 })
        const fs = freshDisk()
        const exit = yield* run(http, fs, FileTransfer.toFile(target, { ...options, retries: 1 }))
        assert.isTrue(Exit.isSuccess(exit), String(exit))
        if (Exit.isSuccess(exit)) {
          assert.strictEqual(exit.value.sha256, sha256(v1.bytes))
          assert.strictEqual(exit.value.size, v1.bytes.length)
          assert.strictEqual(exit.value.resumedFrom, 0)
        }
        assert.deepStrictEqual(
          http.served.map((s) => [s.status, s.range, s.ifRange]),
          [
            [200, undefined, undefined],
            [206, "bytes=100000-", '"v1"']
          ]
        )
        assert.deepStrictEqual(fs.state.files.get("/dest/big.bin"), v1.bytes)
        assert.deepStrictEqual(
          [...fs.state.files.keys()].filter((f) => f.includes("partial")),
          [],
          "no partial file left"
        )
      })
  )

  it.effect("a run stopped mid-body leaves its partial; the next run asks for the rest only", () =>
    Effect.gen(function* () {
      const fs = freshDisk()
      const first = ServedFile.client(v1, { breakAt: 120_000 })
      const stopped = yield* run(first, fs, FileTransfer.toFile(target, options))
      assert.isTrue(Exit.isFailure(stopped))
      assert.strictEqual(fs.state.files.get("/dest/.big.bin.partial")?.length, 120_000)
      assert.isFalse(fs.state.files.has("/dest/big.bin"), "a partial is never shown as the file")
      const second = ServedFile.client(v1)
      const resumed = yield* run(second, fs, FileTransfer.toFile(target, options))
      assert.isTrue(Exit.isSuccess(resumed), String(resumed))
      if (Exit.isSuccess(resumed)) {
        assert.strictEqual(resumed.value.resumedFrom, 120_000)
        assert.strictEqual(resumed.value.sha256, sha256(v1.bytes))
      }
      assert.deepStrictEqual(
        second.served.map((s) => [s.status, s.range, s.from, s.to]),
        [[206, "bytes=120000-", 120_000, 300_000]]
      )
    })
  )

  it.effect(
    "a file changed on the server between runs (If-Range no longer matches) starts again: never spliced",
    () =>
      Effect.gen(function* () {
        const fs = freshDisk()
        yield* run(ServedFile.client(v1, { breakAt: 120_000 }), fs, FileTransfer.toFile(target, options))
        const changed = ServedFile.client(v2)
        const exit = yield* run(changed, fs, FileTransfer.toFile(target, options))
        assert.isTrue(Exit.isSuccess(exit), String(exit))
        assert.deepStrictEqual(
          changed.served.map((s) => [s.status, s.range, s.ifRange]),
          [[200, "bytes=120000-", '"v1"']]
        )
        assert.deepStrictEqual(fs.state.files.get("/dest/big.bin"), v2.bytes)
        if (Exit.isSuccess(exit)) assert.strictEqual(exit.value.sha256, sha256(v2.bytes))
      })
  )

  it.effect(
    "a server that ignores ranges (python's http.server) answers 200: the download starts from zero",
    () =>
      Effect.gen(function* () {
        const fs = freshDisk()
        yield* run(ServedFile.client(v1, { breakAt: 120_000 }), fs, FileTransfer.toFile(target, options))
        const python = ServedFile.client(v1, { honoursRanges: false })
        const exit = yield* run(python, fs, FileTransfer.toFile(target, options))
        assert.isTrue(Exit.isSuccess(exit), String(exit))
        assert.deepStrictEqual(
          python.served.map((s) => [s.status, s.from, s.to]),
          [[200, 0, 300_000]]
        )
        assert.deepStrictEqual(fs.state.files.get("/dest/big.bin"), v1.bytes)
      })
  )

  it.effect(
    "a 416 whose length is what is on disk: the file was whole, it is finished without a byte more",
    () =>
      Effect.gen(function* () {
        const fs = freshDisk()
        // every byte arrived, then the connection was lost before the body's end was seen
        fs.state.files.set("/dest/.big.bin.partial", v1.bytes)
        fs.state.files.set(
          "/dest/.big.bin.partial.json",
          new TextEncoder().encode(JSON.stringify({ url: target.url, etag: '"v1"', length: v1.bytes.length }))
        )
        const http = ServedFile.client(v1)
        const exit = yield* run(http, fs, FileTransfer.toFile(target, options))
        assert.isTrue(Exit.isSuccess(exit), String(exit))
        assert.deepStrictEqual(
          http.served.map((s) => [s.status, s.range]),
          [[416, "bytes=300000-"]]
        )
        if (Exit.isSuccess(exit)) assert.strictEqual(exit.value.sha256, sha256(v1.bytes))
      })
  )

  it.effect("a partial without a validator (no ETag, no Last-Modified) is not resumed", () =>
    Effect.gen(function* () {
      const fs = freshDisk()
      const bare = { bytes: v1.bytes }
      yield* run(ServedFile.client(bare, { breakAt: 50_000 }), fs, FileTransfer.toFile(target, options))
      const http = ServedFile.client(bare)
      const exit = yield* run(http, fs, FileTransfer.toFile(target, options))
      assert.isTrue(Exit.isSuccess(exit), String(exit))
      assert.deepStrictEqual(
        http.served.map((s) => [s.status, s.range]),
        [[200, undefined]]
      )
    })
  )

  it.effect("a checksum that differs is an error of its own, and nothing is kept under the name", () =>
    Effect.gen(function* () {
      const fs = freshDisk()
      const wrong = { algorithm: "sha-256" as const, hex: "0".repeat(64) }
      const exit = yield* run(
        ServedFile.client(v1),
        fs,
        FileTransfer.toFile({ ...target, checksum: wrong }, options)
      )
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) {
        const error = exit.cause._tag === "Fail" ? exit.cause.error : undefined
        assert.strictEqual(error?._tag, "ChecksumMismatch")
      }
      assert.deepStrictEqual(
        [...fs.state.files.keys()].filter((f) => f.startsWith("/dest/")),
        []
      )
      const right = {
        algorithm: "sha-512" as const,
        hex: createHash("sha512").update(v1.bytes).digest("hex")
      }
      const ok = yield* run(
        ServedFile.client(v1),
        fs,
        FileTransfer.toFile({ ...target, checksum: right }, options)
      )
      assert.isTrue(Exit.isSuccess(ok), String(ok))
    })
  )

  it.effect("a full disk at byte N is DiskFull (ENOSPC), not retried; the partial is kept", () =>
    Effect.gen(function* () {
      const fs = MemoryFileSystem.make({ capacity: 100_000 })
      fs.state.directories.add("/dest")
      const http = ServedFile.client(v1)
      const exit = yield* run(http, fs, FileTransfer.toFile(target, { ...options, retries: 3 }))
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) {
        const error = exit.cause._tag === "Fail" ? exit.cause.error : undefined
        assert.strictEqual(error?._tag, "DiskFull")
      }
      assert.strictEqual(http.served.length, 1, "a full disk is not retried")
      assert.isTrue(fs.state.files.has("/dest/.big.bin.partial"))
    })
  )

  it.effect(
    "what is kept is told every 2 s of Clock time while the body comes, and exactly when it stops",
    () =>
      Effect.gen(function* () {
        const fs = freshDisk()
        // 300,000 bytes at 50,000 B/s in 10,000-byte pieces, cut at 270,000: 5.4 s of body
        const http = ServedFile.client(v1, { breakAt: 270_000, chunkSize: 10_000, bytesPerSecond: 50_000 })
        const kept: Array<FileTransfer.Kept> = []
        const exit = yield* run(
          http,
          fs,
          FileTransfer.toFile({ ...target, onKept: (k) => Effect.sync(() => kept.push(k)) }, options)
        )
        assert.isTrue(Exit.isFailure(exit))
        // at 2 s and 4 s of body (100,000 and 200,000 bytes), then the 270,000 the break left
        assert.deepStrictEqual(
          kept.map((k) => k.bytes),
          [100_000, 200_000, 270_000]
        )
        assert.deepStrictEqual(kept.at(-1), {
          file: ".big.bin.partial",
          bytes: 270_000,
          length: 300_000,
          etag: '"v1"',
          lastModified: undefined
        })
        assert.strictEqual(fs.state.files.get("/dest/.big.bin.partial")?.length, 270_000)
      })
  )

  it.effect("a body done within 2 s tells nothing; neither does one that cannot be resumed", () =>
    Effect.gen(function* () {
      const kept: Array<FileTransfer.Kept> = []
      const onKept = (k: FileTransfer.Kept) => Effect.sync(() => kept.push(k))
      const quick = yield* run(
        ServedFile.client(v1),
        freshDisk(),
        FileTransfer.toFile({ ...target, onKept }, options)
      )
      assert.isTrue(Exit.isSuccess(quick))
      const noValidator = { bytes: v1.bytes }
      const broken = yield* run(
        ServedFile.client(noValidator, { breakAt: 100_000 }),
        freshDisk(),
        FileTransfer.toFile({ ...target, onKept }, options)
      )
      assert.isTrue(Exit.isFailure(broken))
      assert.deepStrictEqual(kept, [])
    })
  )

  it.effect(
    "the server's name (Content-Disposition) is the saved file's when asked, across a resume too",
    () =>
      Effect.gen(function* () {
        const named = { ...v1, disposition: 'attachment; filename="../Report 2026.bin"' }
        const given: Array<string> = []
        const serverName = (name: string) =>
          Effect.sync(() => {
            given.push(name)
            return name
          })
        const fs = freshDisk()
        const stopped = yield* run(
          ServedFile.client(named, { breakAt: 100_000 }),
          fs,
          FileTransfer.toFile({ ...target, serverName }, options)
        )
        assert.isTrue(Exit.isFailure(stopped))
        assert.isTrue(fs.state.files.has("/dest/.big.bin.partial"), "the partial goes by the URL's name")
        // the rest comes in a 206 without Content-Disposition: the name was kept with the partial
        const resumed = yield* run(
          ServedFile.client(v1),
          fs,
          FileTransfer.toFile({ ...target, serverName }, options)
        )
        assert.isTrue(Exit.isSuccess(resumed), String(resumed))
        if (Exit.isSuccess(resumed)) assert.strictEqual(resumed.value.file, "Report_2026.bin")
        assert.deepStrictEqual(given, ["Report_2026.bin"])
        assert.deepStrictEqual(fs.state.files.get("/dest/Report_2026.bin"), v1.bytes)
        assert.isFalse(fs.state.files.has("/dest/big.bin"))
        const ignored = yield* run(
          ServedFile.client(named),
          freshDisk(),
          FileTransfer.toFile(target, options)
        )
        assert.isTrue(Exit.isSuccess(ignored), String(ignored))
        if (Exit.isSuccess(ignored))
          assert.strictEqual(ignored.value.file, "big.bin", "not asked: the name is ours")
      })
  )

  it.effect(
    "a body that ends short of its length without an error (any client) is broken, and goes on from there",
    () =>
      Effect.gen(function* () {
        const served = ServedFile.make(v1)
        // the first answer promises 300,000 bytes and ends, quietly, after 100,000
        const http = MemoryHttpClient.make((url, attempt, request) =>
          attempt === 0
            ? {
                status: 200,
                headers: {
                  "content-type": "application/octet-stream",
                  "content-length": "300000",
                  etag: '"v1"'
                },
                chunks: [{ after: 0, bytes: v1.bytes.subarray(0, 100_000) }]
              }
            : served.answer(url, attempt, request)
        )
        const fs = freshDisk()
        const exit = yield* run(http, fs, FileTransfer.toFile(target, { ...options, retries: 1 }))
        assert.isTrue(Exit.isSuccess(exit), String(exit))
        if (Exit.isSuccess(exit)) assert.strictEqual(exit.value.sha256, sha256(v1.bytes))
        assert.deepStrictEqual(
          served.served.map((s) => [s.status, s.range]),
          [[206, "bytes=100000-"]]
        )
        const once = yield* run(
          MemoryHttpClient.make(() => ({
            status: 200,
            headers: { "content-type": "application/octet-stream", "content-length": "300000", etag: '"v1"' },
            chunks: [{ after: 0, bytes: v1.bytes.subarray(0, 100_000) }]
          })),
          freshDisk(),
          FileTransfer.toFile(target, options)
        )
        assert.isTrue(Exit.isFailure(once))
        assert.include(String(once), "the body ended after 100000 of 300000 bytes")
      })
  )

  it.effect("what was kept is hashed before the rest is asked for: no answer waits on the disk", () =>
    Effect.gen(function* () {
      const fs = freshDisk()
      const stopped = yield* run(
        ServedFile.client(v1, { breakAt: 150_000 }),
        fs,
        FileTransfer.toFile(target, options)
      )
      assert.isTrue(Exit.isFailure(stopped))
      const events: Array<string> = []
      const served = ServedFile.make(v1)
      const http = MemoryHttpClient.make((url, attempt, request) => {
        events.push(`request ${request.headers.range}`)
        return served.answer(url, attempt, request)
      })
      const reading = {
        layer: Layer.effect(
          FileSystem.FileSystem,
          Effect.map(Effect.provide(FileSystem.FileSystem, fs.layer), (files) => ({
            ...files,
            stream: (path: string, streamOptions?: FileSystem.StreamOptions) =>
              Stream.unwrap(
                Effect.sync(() => {
                  events.push(`read ${path}`)
                  return files.stream(path, streamOptions)
                })
              )
          }))
        )
      }
      const resumed = yield* run(http, { ...fs, layer: reading.layer }, FileTransfer.toFile(target, options))
      assert.isTrue(Exit.isSuccess(resumed), String(resumed))
      assert.deepStrictEqual(events, ["read /dest/.big.bin.partial", "request bytes=150000-"])
    })
  )

  it.effect("empty pieces of a body are nothing to write (a write of 0 bytes would fail)", () =>
    Effect.gen(function* () {
      const fs = freshDisk()
      const http = MemoryHttpClient.make(() => ({
        status: 200,
        headers: { "content-type": "application/octet-stream", etag: '"v1"' },
        chunks: [
          { after: 0, bytes: new Uint8Array(0) },
          { after: 0, bytes: v1.bytes.subarray(0, 1000) },
          { after: 0, bytes: new Uint8Array(0) },
          { after: 0, bytes: v1.bytes.subarray(1000) }
        ]
      }))
      const exit = yield* run(http, fs, FileTransfer.toFile(target, options))
      assert.isTrue(Exit.isSuccess(exit), String(exit))
      assert.deepStrictEqual(fs.state.files.get("/dest/big.bin"), v1.bytes)
    })
  )
})
