/**
 * `ServedFile`: one file served with `Range` and `If-Range` as RFC 9110 says (or ignored, as Python's
 * http.server does), cut short at a chosen byte, changed between requests, its chunks timed on Effect's
 * clock.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import * as ServedFile from "../src/testing/ServedFile.js"

const url = "http://files.test/big.bin"
const bytes = Uint8Array.from({ length: 1000 }, (_, i) => i % 251)
const v1: ServedFile.Version = { bytes, etag: '"v1"', lastModified: "Tue, 01 Apr 2025 10:00:00 GMT" }
const v2: ServedFile.Version = { bytes: bytes.map((b) => 255 - b), etag: '"v2"' }

/** GET `url` with these headers; the status, the headers and the body read as far as it goes. */
const get = (headers: Record<string, string> = {}) =>
  Effect.gen(function* () {
    const client = yield* HttpClient.HttpClient
    const response = yield* client.get(url, { headers })
    const received: Array<Uint8Array> = []
    const end = yield* Stream.runForEach(response.stream, (chunk) =>
      Effect.sync(() => received.push(chunk))
    ).pipe(Effect.either)
    const body = new Uint8Array(received.reduce((n, chunk) => n + chunk.length, 0))
    let at = 0
    for (const chunk of received) {
      body.set(chunk, at)
      at += chunk.length
    }
    return { status: response.status, headers: response.headers, body, end }
  })

describe("ServedFile: ranges", () => {
  it.effect("a plain GET: 200, the whole body, Accept-Ranges and the validators", () => {
    const served = ServedFile.client(v1)
    return Effect.gen(function* () {
      const answer = yield* get()
      assert.strictEqual(answer.status, 200)
      assert.deepStrictEqual(answer.body, bytes)
      assert.strictEqual(answer.headers["accept-ranges"], "bytes")
      assert.strictEqual(answer.headers["content-length"], "1000")
      assert.strictEqual(answer.headers.etag, '"v1"')
      assert.strictEqual(answer.headers["last-modified"], v1.lastModified)
    }).pipe(Effect.provide(served.layer))
  })

  it.effect("Range: bytes=N- and N-M and -S get a 206 with Content-Range and that slice", () => {
    const served = ServedFile.client(v1)
    return Effect.gen(function* () {
      const rest = yield* get({ range: "bytes=400-" })
      assert.strictEqual(rest.status, 206)
      assert.strictEqual(rest.headers["content-range"], "bytes 400-999/1000")
      assert.strictEqual(rest.headers["content-length"], "600")
      assert.deepStrictEqual(rest.body, bytes.subarray(400))
      const middle = yield* get({ range: "bytes=10-19" })
      assert.strictEqual(middle.headers["content-range"], "bytes 10-19/1000")
      assert.deepStrictEqual(middle.body, bytes.subarray(10, 20))
      const past = yield* get({ range: "bytes=990-5000" })
      assert.strictEqual(past.headers["content-range"], "bytes 990-999/1000")
      const tail = yield* get({ range: "bytes=-5" })
      assert.deepStrictEqual(tail.body, bytes.subarray(995))
    }).pipe(Effect.provide(served.layer))
  })

  it.effect("a range from the end or beyond is a 416 with Content-Range: bytes */total", () => {
    const served = ServedFile.client(v1)
    return Effect.gen(function* () {
      const answer = yield* get({ range: "bytes=1000-" })
      assert.strictEqual(answer.status, 416)
      assert.strictEqual(answer.headers["content-range"], "bytes */1000")
      assert.strictEqual(answer.body.length, 0)
    }).pipe(Effect.provide(served.layer))
  })

  it.effect("ranges it does not serve are ignored: another unit, bad syntax, several ranges", () => {
    const served = ServedFile.client(v1)
    return Effect.gen(function* () {
      for (const range of ["items=0-1", "bytes=9-3", "bytes=abc", "bytes=0-1,5-6"]) {
        const answer = yield* get({ range })
        assert.strictEqual(answer.status, 200, range)
        assert.strictEqual(answer.body.length, 1000, range)
      }
    }).pipe(Effect.provide(served.layer))
  })

  it.effect(
    "If-Range: the current ETag or Last-Modified lets the range through; anything else is a 200",
    () => {
      const served = ServedFile.client(v1)
      return Effect.gen(function* () {
        const range = "bytes=400-"
        assert.strictEqual((yield* get({ range, "if-range": '"v1"' })).status, 206)
        assert.strictEqual((yield* get({ range, "if-range": v1.lastModified ?? "" })).status, 206)
        for (const stale of ['"v0"', 'W/"v1"', "Mon, 31 Mar 2025 10:00:00 GMT"]) {
          const answer = yield* get({ range, "if-range": stale })
          assert.strictEqual(answer.status, 200, stale)
          assert.deepStrictEqual(answer.body, bytes, stale)
        }
        // a failed If-Range ignores the Range, even one past the end
        assert.strictEqual((yield* get({ range: "bytes=5000-", "if-range": '"v0"' })).status, 200)
      }).pipe(Effect.provide(served.layer))
    }
  )

  it.effect("a file changed between requests: the old ETag no longer lets the range through", () => {
    const served = ServedFile.client((attempt) => (attempt === 0 ? v1 : v2))
    return Effect.gen(function* () {
      assert.strictEqual((yield* get()).headers.etag, '"v1"')
      const again = yield* get({ range: "bytes=400-", "if-range": '"v1"' })
      assert.strictEqual(again.status, 200)
      assert.strictEqual(again.headers.etag, '"v2"')
      assert.deepStrictEqual(again.body, v2.bytes)
      assert.deepStrictEqual(
        served.served.map((s) => [s.status, s.etag]),
        [
          [200, '"v1"'],
          [200, '"v2"']
        ]
      )
    }).pipe(Effect.provide(served.layer))
  })

  it.effect("honoursRanges: false answers as Python's http.server: 200 whole, no Accept-Ranges", () => {
    const served = ServedFile.client(v1, { honoursRanges: false })
    return Effect.gen(function* () {
      const answer = yield* get({ range: "bytes=400-", "if-range": '"v1"' })
      assert.strictEqual(answer.status, 200)
      assert.deepStrictEqual(answer.body, bytes)
      assert.isUndefined(answer.headers["accept-ranges"])
      assert.isUndefined(answer.headers["content-range"])
    }).pipe(Effect.provide(served.layer))
  })
})

describe("ServedFile: broken transfers and timing", () => {
  it.effect(
    "breakAt: the first body stops at byte 400 of 1000 with a reset; the range asked next completes it",
    () => {
      const served = ServedFile.client(v1, { breakAt: 400, chunkSize: 100 })
      return Effect.gen(function* () {
        const first = yield* get()
        assert.strictEqual(first.headers["content-length"], "1000")
        assert.deepStrictEqual(first.body, bytes.subarray(0, 400))
        assert.isTrue(Either.isLeft(first.end))
        if (Either.isLeft(first.end)) {
          const error = first.end.left
          assert.strictEqual(error._tag, "ResponseError")
          assert.strictEqual(error.reason, "Decode")
          assert.strictEqual((error.cause as { code?: string }).code, "ECONNRESET")
        }
        const rest = yield* get({ range: "bytes=400-", "if-range": '"v1"' })
        assert.strictEqual(rest.status, 206)
        assert.isTrue(Either.isRight(rest.end))
        assert.deepStrictEqual(rest.body, bytes.subarray(400))
        // what each request carried, as the client's stats and the file's own list see it
        assert.deepStrictEqual(
          served.stats.started.map((s) => [s.headers.range, s.headers["if-range"]]),
          [
            [undefined, undefined],
            ["bytes=400-", '"v1"']
          ]
        )
        assert.deepStrictEqual(
          served.served.map((s) => [s.status, s.from, s.to, s.brokenAt]),
          [
            [200, 0, 1000, 400],
            [206, 400, 1000, undefined]
          ]
        )
        assert.strictEqual(served.stats.inFlight, 0)
      }).pipe(Effect.provide(served.layer))
    }
  )

  it.effect("breakAt per attempt: a break before the range's start sends nothing of it", () => {
    const served = ServedFile.client(v1, { breakAt: [600, 300, undefined] })
    return Effect.gen(function* () {
      assert.strictEqual((yield* get()).body.length, 600)
      const second = yield* get({ range: "bytes=600-" })
      assert.strictEqual(second.body.length, 0)
      assert.isTrue(Either.isLeft(second.end))
      assert.strictEqual((yield* get({ range: "bytes=600-" })).body.length, 400)
    }).pipe(Effect.provide(served.layer))
  })

  it.effect("bytesPerSecond: 1000 bytes at 100 B/s take 10 s of Clock time, a range of 400 takes 4 s", () => {
    const served = ServedFile.client(v1, { bytesPerSecond: 100, chunkSize: 64 })
    return Effect.gen(function* () {
      const whole = yield* Effect.fork(get())
      yield* TestClock.adjust("9999 millis")
      assert.isTrue(Option.isNone(yield* Fiber.poll(whole)))
      yield* TestClock.adjust("1 millis")
      assert.strictEqual((yield* Fiber.join(whole)).body.length, 1000)
      const rest = yield* Effect.fork(get({ range: "bytes=600-" }))
      yield* TestClock.adjust("3999 millis")
      assert.isTrue(Option.isNone(yield* Fiber.poll(rest)))
      yield* TestClock.adjust("1 millis")
      assert.strictEqual((yield* Fiber.join(rest)).body.length, 400)
    }).pipe(Effect.provide(served.layer))
  })

  it.effect("chunkEvery and chunkSize: the pieces arrive one by one", () => {
    const served = ServedFile.client(v1, { chunkSize: 250, chunkEvery: "1 second" })
    return Effect.gen(function* () {
      const client = yield* HttpClient.HttpClient
      const response = yield* client.get(url)
      const sizes = yield* Effect.fork(
        Stream.runCollect(Stream.map(response.stream, (chunk) => chunk.length))
      )
      yield* TestClock.adjust("4 seconds")
      assert.deepStrictEqual(Chunk.toArray(yield* Fiber.join(sizes)), [250, 250, 250, 250])
    }).pipe(Effect.provide(served.layer))
  })

  it.effect("a HEAD gets the headers a GET would, and no body", () => {
    const served = ServedFile.client(v1)
    return Effect.gen(function* () {
      const client = yield* HttpClient.HttpClient
      const response = yield* client.head(url, { headers: { range: "bytes=10-" } })
      assert.strictEqual(response.status, 206)
      assert.strictEqual(response.headers["content-range"], "bytes 10-999/1000")
      assert.strictEqual(response.headers["content-length"], "990")
    }).pipe(Effect.provide(served.layer))
  })
})
