import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import { sha256Hex } from "../src/download/Checksum.js"
import type { DownloadConfig } from "../src/download/Downloader.js"
import * as Sessions from "../src/session/Sessions.js"
import * as MemoryFileSystem from "../src/testing/MemoryFileSystem.js"
import * as MemoryHttpClient from "../src/testing/MemoryHttpClient.js"
import * as MemoryJournal from "../src/testing/MemoryJournal.js"
import { config, withFakes } from "./support/memoryRun.js"

const published = ["BR", "CN", "IN", "US"]
// ZZ is not published; XX fails with a 418 on its first request, then is there
const codes = ["BR", "CN", "IN", "US", "XX", "ZZ"]
const text = new TextDecoder()

/** The flag site's answers (bodies `flag-CC`, ETags `"flag-CC"`, a 304 for a matching If-None-Match). */
const flagAnswer = (
  url: URL,
  request: { readonly headers: Readonly<Record<string, string>> }
): MemoryHttpClient.FakeAnswer => {
  const cc = /\/([a-z]{2})\/[^/]+$/.exec(url.pathname)?.[1]?.toUpperCase() ?? ""
  if (![...published, "XX"].includes(cc)) return { status: 404, body: "not found" }
  const etag = `"flag-${cc}"`
  if (request.headers["if-none-match"] === etag) return { status: 304, headers: { etag } }
  return { status: 200, body: `flag-${cc}`, headers: { "content-type": "image/png", etag } }
}

/** The site, XX failing with a 418 when `failing` (else there, as the others). */
const site = (failing: boolean) =>
  MemoryHttpClient.make((url, _attempt, request) =>
    failing && url.pathname.includes("/xx/") ? { status: 418 } : flagAnswer(url, request)
  )

/** A file system with `/dest` made, as a run needs it (see `Destination.prepareDestination`). */
const destMade = () => {
  const files = MemoryFileSystem.make()
  files.state.directories.add("/dest")
  return files
}

const paths = (http: ReturnType<typeof MemoryHttpClient.make>) =>
  http.stats.requests.map((url) => new URL(url).pathname.split("/")[2]?.toUpperCase()).sort()

const inSession = (
  journal: ReturnType<typeof MemoryJournal.make>,
  http: ReturnType<typeof MemoryHttpClient.make>,
  files: ReturnType<typeof MemoryFileSystem.make>,
  session: Sessions.SessionOptions = {},
  runConfig: DownloadConfig = config
) =>
  Sessions.downloadMany(codes, runConfig, { concurrency: 3, session }).pipe(
    Effect.provide(journal.layer),
    withFakes(http, files)
  )

/** Each item's last journaled entry, from a journal's text. */
const journaled = (contents: string | undefined) =>
  new Map(
    (contents ?? "")
      .trimEnd()
      .split("\n")
      .slice(1)
      .map(
        (line) =>
          JSON.parse(line) as Record<string, unknown> & { readonly id: string; readonly sha256?: string }
      )
      .map((entry) => [entry.id, entry] as const)
  )

describe("sessions (in memory, under TestClock)", () => {
  it.effect(
    "a resumed run skips exactly the done items, asks nothing of the not-found, retries the failed",
    () =>
      Effect.gen(function* () {
        const journal = MemoryJournal.make()
        const files = destMade()
        const first = yield* inSession(journal, site(true), files)
        assert.deepStrictEqual([first.ok, first.notFound, first.error], [4, 1, 1])

        const again = site(false)
        let opened: Sessions.Opened | undefined
        const second = yield* inSession(journal, again, files, {
          onOpen: (o) => Effect.sync(() => (opened = o))
        })
        assert.deepStrictEqual(paths(again), ["XX"])
        assert.deepStrictEqual([second.ok, second.resumed, second.notFound, second.error], [5, 4, 1, 0])
        assert.deepStrictEqual(
          second.outcomes.map((o) => `${o.id} ${o.status}${o.resumed === true ? " resumed" : ""}`),
          [
            "BR OK resumed",
            "CN OK resumed",
            "IN OK resumed",
            "US OK resumed",
            "XX OK",
            "ZZ NOT_FOUND resumed"
          ]
        )
        assert.strictEqual(opened?.resumed, true)
        assert.deepStrictEqual(opened?.journaled, {
          OK: 4,
          NOT_FOUND: 1,
          ERROR: 1,
          SKIPPED: 0,
          UNCHANGED: 0,
          PARTIAL: 0
        })
        assert.strictEqual(text.decode(files.state.files.get("/dest/XX.png")), "flag-XX")
      })
  )

  it.effect("--recheck-missing asks the not-found again, and nothing else that is done", () =>
    Effect.gen(function* () {
      const journal = MemoryJournal.make()
      const files = destMade()
      yield* inSession(journal, site(true), files)
      const again = MemoryHttpClient.flagSite([...published, "XX"])
      yield* inSession(journal, again, files, { recheckMissing: true })
      assert.deepStrictEqual(paths(again), ["XX", "ZZ"])
    })
  )

  it.effect("--retry-failed requests exactly the failed items and leaves the rest out of the summary", () =>
    Effect.gen(function* () {
      const journal = MemoryJournal.make()
      const files = destMade()
      yield* inSession(journal, site(true), files)
      const again = MemoryHttpClient.flagSite([...published, "XX"])
      let opened: Sessions.Opened | undefined
      const summary = yield* inSession(journal, again, files, {
        retryFailed: true,
        onOpen: (o) => Effect.sync(() => (opened = o))
      })
      assert.deepStrictEqual(paths(again), ["XX"])
      assert.deepStrictEqual(
        summary.outcomes.map((o) => `${o.id} ${o.status}`),
        ["XX OK"]
      )
      assert.deepStrictEqual([opened?.items, opened?.leftOut], [1, 5])
    })
  )

  it.effect("a torn last line (a crash mid-write) is ignored: that item is redone, the others are not", () =>
    Effect.gen(function* () {
      const journal = MemoryJournal.make()
      const files = destMade()
      yield* inSession(journal, MemoryHttpClient.flagSite(published), files)
      const contents = (yield* journal.contents) ?? ""
      const lines = contents.trimEnd().split("\n")
      const last = JSON.parse(lines[lines.length - 1] ?? "{}") as { id: string }
      // the crash cut the last line half-way: no newline, half its bytes
      const torn = contents.slice(0, contents.length - Math.floor((lines.at(-1)?.length ?? 0) / 2) - 1)
      const resumed = MemoryJournal.make(torn)
      const again = MemoryHttpClient.flagSite(published)
      yield* inSession(resumed, again, files)
      assert.deepStrictEqual(paths(again), [last.id])
    })
  )

  it.effect("a file changed or deleted since is redone; one touched with the same bytes is not", () =>
    Effect.gen(function* () {
      const journal = MemoryJournal.make()
      const files = destMade()
      yield* inSession(journal, MemoryHttpClient.flagSite(published), files)
      files.state.files.set("/dest/BR.png", new TextEncoder().encode("tampered"))
      files.state.files.delete("/dest/CN.png")
      files.state.mtimes.set("/dest/IN.png", 123_456)
      const again = MemoryHttpClient.flagSite(published)
      yield* inSession(journal, again, files)
      // XX and ZZ were not found: not asked again
      assert.deepStrictEqual(paths(again), ["BR", "CN"])
      assert.strictEqual(text.decode(files.state.files.get("/dest/BR.png")), "flag-BR")
    })
  )

  it.effect("a journal of another run (another dest, other codes) is refused with what differs", () =>
    Effect.gen(function* () {
      const journal = MemoryJournal.make()
      const files = destMade()
      yield* inSession(journal, MemoryHttpClient.flagSite(published), files)
      const http = MemoryHttpClient.flagSite(published)
      const error = yield* Effect.flip(inSession(journal, http, files, {}, { ...config, dest: "/elsewhere" }))
      assert.strictEqual(error._tag, "SessionMismatch")
      assert.include(error.message, "dest /dest")
      assert.include(error.message, "/elsewhere")
      assert.deepStrictEqual(http.stats.requests, [])
      const other = yield* Effect.flip(
        Sessions.downloadMany(["BR"], config, { concurrency: 1, session: {} }).pipe(
          Effect.provide(journal.layer),
          withFakes(http, files)
        )
      )
      assert.strictEqual(other._tag, "SessionMismatch")
    })
  )

  it.effect(
    "--refresh sends the journal's validators; a 304 leaves the file untouched, a 200 replaces it",
    () =>
      Effect.gen(function* () {
        const journal = MemoryJournal.make()
        const files = destMade()
        yield* inSession(journal, MemoryHttpClient.flagSite(published), files)
        const mtimeOfBr = files.state.mtimes.get("/dest/BR.png")
        yield* TestClock.adjust("1 hour")
        // US has a new flag since: another ETag, other bytes
        const before = journaled(yield* journal.contents)
        // a 304 may send validators anew: CN's adds a Last-Modified, IN's a weak ETag
        const resent: Record<string, Record<string, string>> = {
          cn: { "last-modified": "Wed, 01 Jan 2025 00:00:00 GMT" },
          in: { etag: 'W/"flag-IN"' }
        }
        const refreshed = MemoryHttpClient.make((url, _attempt, request) => {
          if (url.pathname.includes("/us/"))
            return { status: 200, body: "new-US", headers: { etag: '"new-US"' } }
          const answer = flagAnswer(url, request)
          const cc = url.pathname.split("/")[2] ?? ""
          return answer.status === 304 ? { ...answer, headers: { ...answer.headers, ...resent[cc] } } : answer
        })
        const summary = yield* inSession(journal, refreshed, files, { refresh: true })
        const sent = refreshed.stats.started.map(
          (r) => `${new URL(r.url).pathname.split("/")[2]} ${r.headers["if-none-match"] ?? "-"}`
        )
        assert.includeMembers(sent, ['br "flag-BR"', 'cn "flag-CN"', 'in "flag-IN"', 'us "flag-US"'])
        assert.deepStrictEqual(
          summary.outcomes.filter((o) => o.id !== "XX" && o.id !== "ZZ").map((o) => `${o.id} ${o.status}`),
          ["BR UNCHANGED", "CN UNCHANGED", "IN UNCHANGED", "US OK"]
        )
        assert.strictEqual(summary.unchanged, 3)
        assert.strictEqual(
          files.state.mtimes.get("/dest/BR.png"),
          mtimeOfBr,
          "a 304 does not rewrite the file"
        )
        assert.strictEqual(text.decode(files.state.files.get("/dest/US.png")), "new-US")
        // a 304's entry keeps the journal's file and proofs, with the validators the 304 sent
        const after304 = journaled(yield* journal.contents)
        const kept = (id: string, validators: Record<string, string>) => {
          const { at: _, ...proofs } = before.get(id) ?? { id }
          const { at: __, ...entry } = after304.get(id) ?? { id }
          assert.deepStrictEqual(entry, { ...proofs, status: "UNCHANGED", ...validators }, id)
        }
        kept("BR", {})
        kept("CN", { lastModified: "Wed, 01 Jan 2025 00:00:00 GMT" })
        kept("IN", { etag: 'W/"flag-IN"' })
        // the journal now proves the new file: the next run does not ask for it
        assert.strictEqual(after304.get("US")?.sha256, sha256Hex(new TextEncoder().encode("new-US")))
        const after = MemoryHttpClient.flagSite(published)
        yield* inSession(journal, after, files)
        assert.deepStrictEqual(paths(after), [])
      })
  )

  it.effect("interrupted mid-run: what ended is journaled, what was in flight is redone, nothing twice", () =>
    Effect.gen(function* () {
      const journal = MemoryJournal.make()
      const files = destMade()
      const slow = MemoryHttpClient.flagSite(published, { delay: "1 second" })
      const fiber = yield* Effect.fork(inSession(journal, slow, files))
      // concurrency 3: BR, CN, IN end at 1 s; US, XX, ZZ are in flight at 1.5 s
      yield* TestClock.adjust("1500 millis")
      yield* Fiber.interrupt(fiber)
      const again = MemoryHttpClient.flagSite(published, { delay: "1 second" })
      const resumed = yield* Effect.fork(inSession(journal, again, files))
      yield* TestClock.adjust("1 second")
      const summary = yield* Fiber.join(resumed)
      assert.deepStrictEqual(paths(again), ["US", "XX", "ZZ"])
      assert.deepStrictEqual([summary.ok, summary.resumed, summary.notFound], [4, 3, 2])
      assert.deepStrictEqual(
        [...files.state.files.keys()].sort(),
        published.map((cc) => `/dest/${cc}.png`)
      )
    })
  )
})
