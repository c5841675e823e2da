import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberId from "effect/FiberId"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import * as TestClock from "effect/TestClock"
import * as Stores from "../src/session/internal/journalStores.js"
import * as Journal from "../src/session/Journal.js"
import type * as JournalFormat from "../src/session/JournalFormat.js"

const header: JournalFormat.Header = {
  command: "download",
  server: "http://127.0.0.1:8000/flags",
  dest: "/dest",
  extension: "png",
  names: false,
  items: ["BR", "CN", "IN", "US"].map((id) => ({ id }))
}
const hash = (n: number) => n.toString(16).padStart(64, "0")
const ok = (id: string, n = 1): JournalFormat.EntryInput => ({
  id,
  status: "OK",
  file: `${id}.png`,
  size: 100 + n,
  sha256: hash(n),
  etag: `"e${n}"`,
  mtime: 1_700_000_000_000 + n
})
const linesOf = (text: string | undefined) => (text ?? "").split("\n").filter((line) => line !== "")

describe("Journal: appending", () => {
  it.effect("a new journal is its header; entries are written in one batch 50 ms after the first", () => {
    const journal = Journal.makeMemory()
    return Effect.gen(function* () {
      const session = yield* Journal.open(header)
      assert.isFalse(session.resumed)
      assert.strictEqual(session.previous.size, 0)
      const [first] = linesOf(yield* journal.contents)
      assert.deepInclude(JSON.parse(first ?? ""), { journal: "effect-flags session", v: 1, dest: "/dest" })
      yield* session.append(ok("BR"))
      yield* TestClock.adjust("30 millis")
      yield* session.append(ok("CN"))
      yield* TestClock.adjust("19 millis")
      assert.strictEqual(linesOf(yield* journal.contents).length, 1, "nothing written before 50 ms")
      yield* TestClock.adjust("1 millis")
      const lines = linesOf(yield* journal.contents)
      assert.deepStrictEqual(
        lines.slice(1).map((line) => JSON.parse(line).id),
        ["BR", "CN"]
      )
      assert.deepStrictEqual(JSON.parse(lines[1] ?? ""), { ...ok("BR"), at: 0 })
      assert.strictEqual(yield* journal.writes, 1)
      assert.strictEqual(yield* journal.syncs, 0, "a sync at most once a second")
    }).pipe(Effect.scoped, Effect.provide(journal.layer))
  })

  it.effect(
    "64 entries waiting are written at once; 1,000 entries take 16 writes and no sync per entry",
    () => {
      const journal = Journal.makeMemory()
      return Effect.gen(function* () {
        const session = yield* Journal.open(header)
        for (let i = 0; i < 63; i++) yield* session.append(ok("BR", i))
        assert.strictEqual(yield* journal.writes, 0)
        yield* session.append(ok("BR", 63))
        assert.strictEqual(yield* journal.writes, 1, "the 64th entry writes the batch, with no wait")
        for (let i = 64; i < 1000; i++) {
          yield* session.append(ok("BR", i))
          if (i % 100 === 0) yield* TestClock.adjust("10 millis")
        }
        yield* TestClock.adjust("50 millis")
        assert.strictEqual(linesOf(yield* journal.contents).length, 1001)
        assert.strictEqual(yield* journal.writes, 16)
        assert.strictEqual(yield* journal.syncs, 0, "under a second of Clock time: no sync yet")
        yield* TestClock.adjust("2 seconds")
        yield* session.append(ok("CN"))
        yield* TestClock.adjust("50 millis")
        assert.strictEqual(yield* journal.syncs, 1, "a write a second after the last sync syncs")
      }).pipe(Effect.scoped, Effect.provide(journal.layer))
    }
  )

  it.effect("killed at any moment, a journal holds every entry but those of the last 50 ms, in order", () => {
    const journal = Journal.makeMemory()
    // appends at irregular moments (ms since the previous one): several at once, gaps at the window's
    // edges (49, 50, 51 ms) and beyond it; twice through, so batches start at other phases the second time
    const gaps = [0, 1, 0, 3, 7, 13, 49, 50, 51, 2, 29, 0, 11, 64, 5, 17, 1, 100, 31, 8]
    const appendAt: Array<number> = []
    for (const gap of [...gaps, ...gaps]) appendAt.push((appendAt.at(-1) ?? 0) + gap)
    // An entry appended at a may be missing before a + 50, not from then on (it is written at a + 50 at
    // the latest): besides the appends, those are the only moments that can show a kill leaving too
    // little (between them no entry's age reaches the limit, and the bytes, append-only, keep any wrong
    // order they were given), so the clock jumps from one to the next (a TestClock step costs real turns
    // of the event loop)
    const moments = [...new Set(appendAt.flatMap((a) => [a, a + 50]))].sort((a, b) => a - b)
    return Effect.gen(function* () {
      const session = yield* Journal.open(header)
      const appendedAt: Array<number> = []
      let now = 0
      let read: { readonly contents: string | undefined; readonly ids: ReadonlyArray<string> } = {
        contents: undefined,
        ids: []
      }
      // what kill -9 would leave now, read back as the next run would (again only when the bytes changed):
      // whole lines, the first k entries, none missing that is 50 ms old
      const check = Effect.gen(function* () {
        const contents = yield* journal.contents
        if (contents !== read.contents) {
          const left = yield* Journal.open(header).pipe(
            Effect.provide(Journal.layerMemory(contents)),
            Effect.scoped
          )
          read = { contents, ids: [...left.previous.keys()] }
        }
        assert.deepStrictEqual(
          read.ids,
          appendedAt.slice(0, read.ids.length).map((_, k) => `X${k}`),
          `at ${now} ms`
        )
        const lost = appendedAt.slice(read.ids.length)
        assert.isTrue(
          lost.every((at) => now - at < 50),
          `at ${now} ms: lost the entry appended at ${lost[0]} ms`
        )
      })
      for (const moment of moments) {
        if (moment > now) yield* TestClock.adjust(moment - now)
        now = moment
        yield* check
        for (const at of appendAt) {
          if (at !== moment) continue
          yield* session.append(ok(`X${appendedAt.length}`))
          appendedAt.push(now)
          yield* check
        }
      }
      assert.strictEqual(read.ids.length, appendAt.length, "50 ms after the last append, every entry")
    }).pipe(Effect.scoped, Effect.provide(journal.layer))
  })

  it.effect("flush writes and syncs at once; so does the end of the scope, interrupted or not", () => {
    const journal = Journal.makeMemory()
    return Effect.gen(function* () {
      const scope = yield* Scope.make()
      const session = yield* Scope.extend(Journal.open(header), scope)
      yield* session.append(ok("BR"))
      yield* session.flush
      assert.strictEqual(linesOf(yield* journal.contents).length, 2)
      assert.strictEqual(yield* journal.syncs, 1)
      yield* session.append(ok("CN"))
      yield* Scope.close(scope, Exit.interrupt(FiberId.none))
      assert.strictEqual(linesOf(yield* journal.contents).length, 3, "written by the scope's end")
      assert.strictEqual(yield* journal.syncs, 2)
    }).pipe(Effect.provide(journal.layer))
  })

  it.effect("an entry's undefined fields are left out, as EntryInput allows", () => {
    const journal = Journal.makeMemory()
    return Effect.gen(function* () {
      const session = yield* Journal.open(header)
      yield* session.append({ id: "ZZ", status: "NOT_FOUND", file: undefined, error: undefined })
      yield* session.flush
      assert.deepStrictEqual(JSON.parse(linesOf(yield* journal.contents)[1] ?? "{}"), {
        id: "ZZ",
        status: "NOT_FOUND",
        at: 0
      })
    }).pipe(Effect.scoped, Effect.provide(journal.layer))
  })

  it.effect("an entry that would not read back is refused, and nothing is written", () => {
    const journal = Journal.makeMemory()
    return Effect.gen(function* () {
      const session = yield* Journal.open(header)
      const error = yield* Effect.flip(session.append({ ...ok("BR"), sha256: "not a hash" }))
      assert.strictEqual(error._tag, "JournalError")
      assert.include(error.message, "refused an entry for BR")
      yield* session.flush
      assert.strictEqual(linesOf(yield* journal.contents).length, 1)
    }).pipe(Effect.scoped, Effect.provide(journal.layer))
  })
})

describe("Journal: a journal that cannot be written", () => {
  it.effect("a failed write fails the next append and flush with its JournalError", () => {
    const memory = Stores.memory()
    const full: Stores.Store = {
      ...memory,
      appender: Effect.succeed({
        write: () =>
          Effect.fail(new Journal.JournalError({ source: "(full)", reason: "cannot write to it: ENOSPC" })),
        sync: Effect.void
      })
    }
    return Effect.gen(function* () {
      const session = yield* Journal.make(full).open(header)
      yield* session.append(ok("BR"))
      yield* TestClock.adjust("50 millis")
      const error = yield* Effect.flip(session.append(ok("CN")))
      assert.strictEqual(error.message, "session journal (full): cannot write to it: ENOSPC")
      assert.strictEqual((yield* Effect.flip(session.flush)).message, error.message)
    }).pipe(Effect.scoped)
  })
})

describe("Journal: resuming", () => {
  const recorded = (...entries: ReadonlyArray<JournalFormat.EntryInput>) =>
    Effect.gen(function* () {
      const journal = Journal.makeMemory()
      yield* Effect.scoped(
        Effect.flatMap(Journal.open(header), (session) => Effect.forEach(entries, session.append))
      ).pipe(Effect.provide(journal.layer))
      return (yield* journal.contents) ?? ""
    })

  it.effect("reopened, the last entry of each item wins, in the order items first ended", () =>
    Effect.gen(function* () {
      const text = yield* recorded(
        { id: "CN", status: "ERROR", error: "HTTP error 503 - Service Unavailable" },
        ok("BR"),
        { id: "XX", status: "NOT_FOUND" },
        ok("CN", 2)
      )
      const session = yield* Journal.open(header).pipe(Effect.provide(Journal.layerMemory(text)))
      assert.isTrue(session.resumed)
      assert.deepStrictEqual([...session.previous.keys()], ["CN", "BR", "XX"])
      assert.deepStrictEqual(session.previous.get("CN"), { ...ok("CN", 2), at: 0 })
      assert.strictEqual(session.previous.get("XX")?.status, "NOT_FOUND")
    }).pipe(Effect.scoped)
  )

  it.effect("a torn last line is ignored (that item is not done) and cut before the next append", () =>
    Effect.gen(function* () {
      const text = yield* recorded(ok("BR"), ok("CN"))
      // kill -9 in the middle of writing IN's line
      const torn = `${text}${JSON.stringify({ ...ok("IN"), at: 0 }).slice(0, 40)}`
      const journal = Journal.makeMemory(torn)
      yield* Effect.scoped(
        Effect.gen(function* () {
          const session = yield* Journal.open(header)
          assert.deepStrictEqual([...session.previous.keys()], ["BR", "CN"])
          yield* session.append(ok("IN"))
        })
      ).pipe(Effect.provide(journal.layer))
      const after = (yield* journal.contents) ?? ""
      assert.strictEqual(after.slice(0, text.length), text, "the whole lines are untouched")
      const again = yield* Journal.open(header).pipe(Effect.provide(Journal.layerMemory(after)))
      assert.deepStrictEqual([...again.previous.keys()], ["BR", "CN", "IN"])
    }).pipe(Effect.scoped)
  )

  it.effect("another dest, server or item list is refused, saying exactly what differs", () =>
    Effect.gen(function* () {
      const text = yield* recorded(ok("BR"))
      const refused = (asked: JournalFormat.Header) =>
        Effect.flip(Journal.open(asked).pipe(Effect.provide(Journal.layerMemory(text))))
      const other = yield* refused({ ...header, dest: "/elsewhere", server: "http://other/flags" })
      assert.strictEqual(other._tag, "SessionMismatch")
      assert.strictEqual(
        other.message,
        "session (memory) is not this run's: the session was for server http://127.0.0.1:8000/flags, this run is for http://other/flags; the session was for dest /dest, this run is for /elsewhere"
      )
      const fewer = yield* refused({ ...header, items: [{ id: "BR" }] })
      assert.include(
        fewer.message,
        "the session was for 4 items, this run is for 1: 3 not in this run (CN, IN, US)"
      )
    }).pipe(Effect.scoped)
  )

  it.effect(
    "a store that is not a journal, or of another format, is a NotAJournal; an empty one is new",
    () =>
      Effect.gen(function* () {
        const opened = (text: string) => Journal.open(header).pipe(Effect.provide(Journal.layerMemory(text)))
        const notOurs = yield* Effect.flip(opened("hello world\nsecond line\n"))
        assert.strictEqual(notOurs._tag, "NotAJournal")
        assert.strictEqual(
          notOurs.message,
          "(memory) is not a flags session journal (line 1: not a journal header)"
        )
        const later = yield* Effect.flip(
          opened(`${JSON.stringify({ journal: "effect-flags session", v: 2 })}\n`)
        )
        assert.strictEqual(
          later.message,
          "(memory) is a session journal of format 2; this flags reads format 1"
        )
        const text = yield* recorded(ok("BR"), ok("CN"))
        const broken = text.replace('"status":"OK","file":"CN.png"', '"status":"DONE","file":"CN.png"')
        const bad = yield* Effect.flip(opened(broken))
        assert.include(bad.message, "(line 3: not an entry: status: Expected")
        const empty = yield* opened("")
        assert.isFalse(empty.resumed)
      }).pipe(Effect.scoped)
  )

  it.effect("read changes nothing: a journal's contents, or none", () =>
    Effect.gen(function* () {
      const text = yield* recorded(ok("BR"))
      const journal = Journal.makeMemory(`${text}{"id":"torn`)
      const contents = yield* Effect.flatMap(Journal.Journal, (j) => j.read).pipe(
        Effect.provide(journal.layer)
      )
      assert.isTrue(Option.isSome(contents))
      assert.deepStrictEqual([...Option.getOrThrow(contents).entries.keys()], ["BR"])
      assert.strictEqual(yield* journal.contents, `${text}{"id":"torn`)
      const none = yield* Effect.flatMap(Journal.Journal, (j) => j.read).pipe(
        Effect.provide(Journal.layerMemory())
      )
      assert.isTrue(Option.isNone(none))
    })
  )
})

describe("Journal.layerFile (a real file)", () => {
  it.live("creates the file atomically, appends, cuts a torn line, resumes", () =>
    Effect.gen(function* () {
      const dir = mkdtempSync(join(tmpdir(), "flags-journal-"))
      const path = join(dir, "session.ndjson")
      const run = (entries: ReadonlyArray<JournalFormat.EntryInput>) =>
        Effect.scoped(
          Effect.gen(function* () {
            const session = yield* Journal.open(header)
            yield* Effect.forEach(entries, session.append)
            return session
          })
        ).pipe(Effect.provide(Journal.layerFile(path)))
      const first = yield* run([ok("BR"), ok("CN")])
      assert.isFalse(first.resumed)
      assert.deepStrictEqual(readdirSync(dir), ["session.ndjson"], "no temporary file left")
      writeFileSync(path, `${readFileSync(path, "utf8")}{"id":"IN","sta`)
      const second = yield* run([ok("IN")])
      assert.deepStrictEqual([...second.previous.keys()], ["BR", "CN"])
      const lines = readFileSync(path, "utf8").split("\n")
      assert.strictEqual(lines.length, 5, "header, three entries, and the final newline's empty tail")
      assert.deepStrictEqual(
        lines.slice(1, 4).map((line) => JSON.parse(line).id),
        ["BR", "CN", "IN"]
      )
      const error = yield* Effect.flip(
        Journal.open(header).pipe(
          Effect.scoped,
          Effect.provide(Journal.layerFile(join(dir, "no/such.ndjson")))
        )
      )
      assert.strictEqual(error._tag, "JournalError")
      assert.include(error.message, "cannot create it: its folder does not exist")
    }).pipe(Effect.provide(NodeContext.layer))
  )
})
