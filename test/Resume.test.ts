import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { sha256Hex } from "../src/download/Checksum.js"
import * as Journal from "../src/session/Journal.js"
import type { Entry, Header } from "../src/session/JournalFormat.js"
import * as Resume from "../src/session/Resume.js"
import * as MemoryFileSystem from "../src/testing/MemoryFileSystem.js"
import { okEntry } from "./support/sessions.js"

const none: Resume.ResumeOptions = { retryFailed: false, recheckMissing: false, refresh: false }
const body = (id: string) => new TextEncoder().encode(`flag-${id}`)
const saved = (id: string, extra: Partial<Entry> = {}): Entry => okEntry(id, `flag-${id}`, extra, 1000)
const intact = (entry: Entry): Resume.OnDisk => ({ size: entry.size ?? 0, mtime: entry.mtime })
const tags = (decisions: ReadonlyArray<Resume.Decision>) =>
  decisions.map((d) => (d._tag === "Run" ? `Run ${d.reason}` : d._tag))

describe("Resume.decide", () => {
  const br = saved("BR", { etag: '"abc"', lastModified: "Tue, 15 Nov 1994 08:12:31 GMT" })

  it("a done item whose file has the journal's size and mtime is done, without a hash", () => {
    assert.isFalse(Resume.needsHash(br, intact(br)))
    assert.strictEqual(Resume.decide(br, intact(br), none)._tag, "Done")
    assert.strictEqual(Resume.decide({ ...br, status: "UNCHANGED" }, intact(br), none)._tag, "Done")
  })

  it("a file gone, resized or rewritten is redone; a hash needed and not taken is never trusted", () => {
    const run = (disk: Resume.OnDisk | undefined) => tags([Resume.decide(br, disk, none)])[0]
    assert.strictEqual(run(undefined), "Run missing")
    assert.strictEqual(run({ size: 3, mtime: 1000 }), "Run modified")
    const touched = { size: br.size ?? 0, mtime: 2000 }
    assert.isTrue(Resume.needsHash(br, touched))
    assert.strictEqual(run(touched), "Run unproven")
    assert.strictEqual(run({ ...touched, sha256: sha256Hex(body("XX")) }), "Run modified")
    assert.strictEqual(run({ ...touched, sha256: br.sha256 }), "Done", "touched, same bytes")
    assert.strictEqual(
      tags([Resume.decide({ ...br, sha256: undefined } as never, intact(br), none)])[0],
      "Run unproven"
    )
  })

  it("errors are retried, not-found items skipped unless --recheck-missing, unfinished items run", () => {
    const failed: Entry = { id: "CN", status: "ERROR", error: "HTTP error 503 - Service Unavailable", at: 1 }
    const missing: Entry = { id: "XX", status: "NOT_FOUND", at: 1 }
    const skipped: Entry = { id: "IN", status: "SKIPPED", file: "IN.png", at: 1 }
    const decide = (entry: Entry | undefined, options = none) =>
      tags([Resume.decide(entry, undefined, options)])[0]
    assert.strictEqual(decide(failed), "Run failed")
    assert.strictEqual(decide(missing), "NotFound")
    assert.strictEqual(decide(missing, { ...none, recheckMissing: true }), "Run recheck")
    assert.strictEqual(decide(undefined), "Run new")
    assert.strictEqual(decide(skipped), "Run skipped")
    const partial: Entry = {
      id: "u",
      status: "PARTIAL",
      file: ".big.iso.partial",
      size: 4096,
      etag: '"1"',
      at: 1
    }
    assert.strictEqual(decide(partial), "Run partial")
    const retry = { ...none, retryFailed: true }
    assert.deepStrictEqual(
      [failed, missing, skipped, undefined, br, partial].map((entry) => decide(entry, retry)),
      ["Run failed", "NotFound", "LeftOut", "LeftOut", "LeftOut", "LeftOut"]
    )
    assert.strictEqual(decide(missing, { ...retry, recheckMissing: true }), "Run recheck")
  })

  it("--refresh revalidates an intact file with the journal's ETag and Last-Modified", () => {
    const refresh = { ...none, refresh: true }
    assert.deepStrictEqual(Resume.decide(br, intact(br), refresh), {
      _tag: "Revalidate",
      entry: br,
      headers: { "if-none-match": '"abc"', "if-modified-since": "Tue, 15 Nov 1994 08:12:31 GMT" }
    })
    const etagOnly = saved("CN", { etag: '"e"' })
    assert.deepStrictEqual(Resume.validators(etagOnly), { "if-none-match": '"e"' })
    assert.strictEqual(tags([Resume.decide(saved("JP"), intact(saved("JP")), refresh)])[0], "Run refresh")
    // a 304 must never keep a file that is not the journal's
    assert.strictEqual(tags([Resume.decide(br, undefined, refresh)])[0], "Run missing")
    assert.strictEqual(tags([Resume.decide(br, { size: 1, mtime: 1000 }, refresh)])[0], "Run modified")
  })
})

describe("Resume.plan and Resume.check (in-memory files)", () => {
  const ids = ["BR", "CN", "DE", "FR", "IN", "JP", "US", "XX"]
  // BR intact; CN rewritten with other bytes of the same size; DE touched, same bytes; FR deleted;
  // IN failed; XX not found; JP and US never journaled (in flight when the run was stopped)
  const setUp = () => {
    const files = MemoryFileSystem.make()
    files.state.directories.add("/dest")
    const previous = new Map<string, Entry>()
    for (const id of ["BR", "CN", "DE", "FR"]) {
      previous.set(id, saved(id))
      files.state.files.set(`/dest/${id}.png`, body(id))
      files.state.mtimes.set(`/dest/${id}.png`, 1000)
    }
    files.state.files.set("/dest/CN.png", body("ZZ"))
    files.state.mtimes.set("/dest/CN.png", 5000)
    files.state.mtimes.set("/dest/DE.png", 5000)
    files.state.files.delete("/dest/FR.png")
    previous.set("IN", { id: "IN", status: "ERROR", error: "timed out", at: 1 })
    previous.set("XX", { id: "XX", status: "NOT_FOUND", at: 1 })
    // counts the files read: only those whose mtime moved are hashed
    const reads: Array<string> = []
    const counting = Layer.effect(
      FileSystem.FileSystem,
      Effect.map(Effect.provide(FileSystem.FileSystem, files.layer), (fs) => ({
        ...fs,
        readFile: (path: string) =>
          Effect.zipRight(
            Effect.sync(() => reads.push(path)),
            fs.readFile(path)
          ),
        // a file is hashed as a stream: any size
        stream: (path: string, options?: FileSystem.StreamOptions) =>
          Stream.unwrap(
            Effect.sync(() => {
              reads.push(path)
              return fs.stream(path, options)
            })
          )
      }))
    )
    return { previous, reads, layer: Layer.merge(counting, Path.layer) }
  }

  /** Every item's decision, as a run makes them: `check` each one, its file looked at only when needed. */
  const checkAll = (previous: ReadonlyMap<string, Entry>, options: Resume.ResumeOptions) =>
    Effect.forEach(ids, (id) => Resume.check(previous.get(id), options, "/dest"))
  const entriesOf = (previous: ReadonlyMap<string, Entry>) => ids.map((id) => previous.get(id))

  it.effect(
    "done and intact items are skipped; changed or missing files, failures and unfinished items are redone",
    () => {
      const { previous, reads, layer } = setUp()
      return Effect.gen(function* () {
        const decisions = yield* checkAll(previous, none)
        assert.deepStrictEqual(tags(decisions), [
          "Done",
          "Run modified",
          "Done",
          "Run missing",
          "Run failed",
          "Run new",
          "Run new",
          "NotFound"
        ])
        assert.deepStrictEqual(reads.sort(), ["/dest/CN.png", "/dest/DE.png"])
        // the items needing no look at dest first (IN, JP, US, XX), then the done ones; none left out
        assert.deepStrictEqual(Resume.plan(entriesOf(previous), none), {
          order: [4, 5, 6, 7, 0, 1, 2, 3],
          leftOut: 0
        })
      }).pipe(Effect.provide(layer))
    }
  )

  it.effect("--retry-failed selects exactly the failed items, and reads no file", () => {
    const { previous, reads, layer } = setUp()
    return Effect.gen(function* () {
      const retry = { ...none, retryFailed: true }
      const decisions = yield* checkAll(previous, retry)
      const selected = ids.filter((_, i) => decisions[i]?._tag === "Run")
      assert.deepStrictEqual(selected, ["IN"])
      assert.deepStrictEqual(reads, [])
      assert.deepStrictEqual(Resume.plan(entriesOf(previous), retry), { order: [4], leftOut: 7 })
      const recheck = { ...retry, recheckMissing: true }
      const rechecked = yield* checkAll(previous, recheck)
      assert.deepStrictEqual(
        ids.filter((_, i) => rechecked[i]?._tag === "Run"),
        ["IN", "XX"]
      )
      assert.deepStrictEqual(Resume.plan(entriesOf(previous), recheck), { order: [4, 7], leftOut: 6 })
    }).pipe(Effect.provide(layer))
  })

  it.effect("a torn last journal line leaves that item to be redone", () => {
    const { layer } = setUp()
    const header: Header = {
      command: "download",
      server: "http://s/flags",
      dest: "/dest",
      items: ids.map((id) => ({ id }))
    }
    return Effect.gen(function* () {
      const journal = Journal.makeMemory()
      yield* Effect.scoped(
        Effect.flatMap(Journal.open(header), (session) =>
          Effect.forEach(["BR", "DE"], (id) => session.append(saved(id)))
        )
      ).pipe(Effect.provide(journal.layer))
      const torn = `${yield* journal.contents}${JSON.stringify(saved("FR")).slice(0, 30)}`
      const session = yield* Journal.open(header).pipe(Effect.provide(Journal.layerMemory(torn)))
      const decisions = yield* checkAll(session.previous, none)
      assert.deepStrictEqual(tags(decisions).slice(0, 4), ["Done", "Run new", "Done", "Run new"])
    }).pipe(Effect.scoped, Effect.provide(layer))
  })
})
