/**
 * A session's big files, stopped mid-body and resumed, with the fakes and `TestClock`: the journal
 * records the bytes kept as the body comes (`PARTIAL`, every 2 s of Clock time) and exactly when the
 * run is stopped; the next run says what was kept, asks for the rest only, and journals the whole
 * file's SHA-256 with the list's checksum, which `flags verify` checks again.
 */
import { createHash } from "node:crypto"
import * as Path from "@effect/platform/Path"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import { defaultRequestOptions } from "../src/download/HttpGet.js"
import type { UrlItem } from "../src/download/UrlList.js"
import * as Journal from "../src/session/Journal.js"
import * as JournalFormat from "../src/session/JournalFormat.js"
import * as Sessions from "../src/session/Sessions.js"
import { verify } from "../src/session/Verify.js"
import * as MemoryFileSystem from "../src/testing/MemoryFileSystem.js"
import * as ServedFile from "../src/testing/ServedFile.js"
import { seededBytes } from "./support/bigFile.js"

const digest = (algorithm: string, bytes: Uint8Array) => createHash(algorithm).update(bytes).digest("hex")

const file = { bytes: seededBytes(1_000_000, 7), etag: '"big-1"' }
const sha512 = digest("sha512", file.bytes)
const items: ReadonlyArray<UrlItem> = [
  { url: "http://files.test/big.bin", checksum: { algorithm: "sha-512", hex: sha512 } }
]
const config = { ...defaultRequestOptions, maxBytes: Number.POSITIVE_INFINITY, dest: "/dest" }

const journalLines = (text: string | undefined) =>
  (text ?? "")
    .split("\n")
    .filter((line) => line.includes('"status"'))
    .map((line) => JSON.parse(line) as JournalFormat.Entry)

describe("a session's partial downloads", () => {
  it.effect("are journaled as they come and when stopped; the next run says so and fetches the rest", () =>
    Effect.gen(function* () {
      const fs = MemoryFileSystem.make()
      fs.state.directories.add("/dest")
      const journal = Journal.makeMemory()
      // 100,000 bytes a second of Clock time, in 10,000-byte pieces
      const slow = ServedFile.client(file, { chunkSize: 10_000, bytesPerSecond: 100_000 })
      const first = yield* Effect.fork(
        Sessions.downloadUrls(items, config, { concurrency: 1, session: {} }).pipe(
          Effect.provide(Layer.mergeAll(slow.layer, fs.layer, Path.layer, journal.layer))
        )
      )
      // stopped (as Ctrl-C stops it) once 450,000 bytes are on disk: observed, not timed
      const partial = "/dest/.big.bin.partial"
      for (let step = 0; (fs.state.files.get(partial)?.length ?? 0) < 450_000; step++) {
        assert.isBelow(step, 1000, "the body never reached 450,000 bytes")
        yield* TestClock.adjust("100 millis")
      }
      yield* Fiber.interrupt(first)
      const kept = fs.state.files.get(partial)?.length ?? 0
      assert.strictEqual(kept, 450_000)
      const stopped = journalLines(yield* journal.contents)
      // at 2 s and 4 s of body, then exactly what the stop left
      assert.deepStrictEqual(
        stopped.map((entry) => [entry.status, entry.size]),
        [
          ["PARTIAL", 200_000],
          ["PARTIAL", 400_000],
          ["PARTIAL", 450_000]
        ]
      )
      assert.deepInclude(stopped.at(-1), { file: ".big.bin.partial", etag: '"big-1"' })
      assert.isFalse(fs.state.files.has("/dest/big.bin"), "a partial is never shown as the file")

      const resumed = ServedFile.client(file)
      const opened: Array<Sessions.Opened> = []
      const summary = yield* Sessions.downloadUrls(items, config, {
        concurrency: 1,
        session: { onOpen: (o) => Effect.sync(() => opened.push(o)) }
      }).pipe(Effect.provide(Layer.mergeAll(resumed.layer, fs.layer, Path.layer, journal.layer)))
      assert.strictEqual(opened[0]?.journaled.PARTIAL, 1)
      assert.strictEqual(opened[0]?.kept, 450_000)
      assert.deepStrictEqual(
        resumed.served.map((s) => [s.status, s.range, s.ifRange]),
        [[206, "bytes=450000-", '"big-1"']]
      )
      assert.strictEqual(summary.ok, 1)
      assert.deepStrictEqual(fs.state.files.get("/dest/big.bin"), file.bytes)
      const done = journalLines(yield* journal.contents).at(-1)
      assert.deepInclude(done, {
        status: "OK",
        file: "big.bin",
        size: 1_000_000,
        sha256: digest("sha256", file.bytes),
        checksum: `sha-512=${sha512}`
      })
    })
  )

  it.effect("verify lists a partial download with its bytes, and proves the list's checksum again", () =>
    Effect.gen(function* () {
      const fs = MemoryFileSystem.make()
      fs.state.directories.add("/dest")
      const body = new TextEncoder().encode("the whole file")
      fs.state.files.set("/dest/a.bin", body)
      fs.state.files.set("/dest/b.bin", body)
      fs.state.files.set("/dest/.c.bin.partial", new Uint8Array(5))
      fs.state.files.set("/dest/.c.bin.partial.json", new TextEncoder().encode("{}"))
      fs.state.files.set("/dest/.d.bin.partial", new Uint8Array(3))
      const saved = (id: string, name: string, checksum: string): JournalFormat.Entry => ({
        id,
        status: "OK",
        file: name,
        size: body.length,
        sha256: digest("sha256", body),
        checksum,
        at: 0
      })
      const entries: ReadonlyArray<JournalFormat.Entry> = [
        saved("http://f.test/a.bin", "a.bin", `sha-1=${digest("sha1", body)}`),
        // the journal says the list gave another sha-1: the file is not the list's
        saved("http://f.test/b.bin", "b.bin", `sha-1=${"0".repeat(40)}`),
        { id: "http://f.test/c.bin", status: "PARTIAL", file: ".c.bin.partial", size: 4, at: 0 }
      ]
      const verification = yield* verify({
        header: { command: "fetch", dest: "/dest", items: entries.map(({ id }) => ({ id })) },
        entries: new Map(entries.map((e) => [e.id, e])),
        lines: entries.length,
        complete: 0
      }).pipe(Effect.provide(Layer.merge(fs.layer, Path.layer)))
      assert.deepStrictEqual(
        verification.files.map((f) => [f.file, f.check, f.detail]),
        [
          [".c.bin.partial", "partial", "5 bytes kept, journaled 4 bytes; the next run continues it"],
          [".d.bin.partial", "partial", "3 bytes kept; the next run continues it"],
          ["a.bin", "ok", undefined],
          ["b.bin", "modified", "not the list's sha-1"]
        ]
      )
      assert.deepInclude(verification, { ok: 1, modified: 1, missing: 0, partial: 2, unknown: 0 })
    })
  )

  it("a journal line of a partial download decodes; a checksum not of the list's kinds does not", () => {
    const line = (fields: Record<string, unknown>) =>
      new TextEncoder().encode(
        `${JournalFormat.headerLine({ command: "fetch", dest: "/d", items: [{ id: "u" }] }, 0)}${JSON.stringify({ id: "u", at: 1, ...fields })}\n`
      )
    const partial = JournalFormat.parse(line({ status: "PARTIAL", file: ".u.partial", size: 9 }), "j")
    assert.isTrue(partial._tag === "Right" && partial.right.entries.get("u")?.status === "PARTIAL")
    const md5 = JournalFormat.parse(line({ status: "OK", checksum: "md5=00" }), "j")
    assert.strictEqual(md5._tag, "Left")
  })
})
