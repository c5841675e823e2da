/**
 * The book's `timeout=3.1` as httpx counts it, proved on Effect's clock to the millisecond: each phase of
 * a request (connecting, waiting for the answer, every gap in the body) gets the whole timeout, and
 * `maxTime` bounds a whole download.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import { downloadMany, downloadOne } from "../src/download/Downloader.js"
import * as MemoryFileSystem from "../src/testing/MemoryFileSystem.js"
import * as MemoryHttpClient from "../src/testing/MemoryHttpClient.js"
import { realTick } from "./support/eventually.js"
import { config, withFakes } from "./support/memoryRun.js"

const image = { "content-type": "image/png" }
const threeSecondChunks: ReadonlyArray<MemoryHttpClient.Chunk> = Array.from({ length: 4 }, (_, i) => ({
  after: "3 seconds",
  bytes: `part ${i};`
}))

/**
 * Forks `effect`, checks it is still running at `ms - 1` and has ended at `ms`. A deadline that has come
 * expires after a real turn of the event loop (bytes already received are read first): the first check
 * waits for such turns, and the clock stays at `ms` while the second waits for the end.
 */
const endsAt = <A, R>(ms: number, effect: Effect.Effect<A, never, R>) =>
  Effect.gen(function* () {
    const fiber = yield* Effect.fork(effect)
    yield* TestClock.adjust(ms - 1)
    yield* Effect.zipRight(realTick, realTick)
    assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)), `still running at ${ms - 1} ms`)
    yield* TestClock.adjust(1)
    return yield* Fiber.join(fiber)
  })

describe("per-phase timeouts (TestClock)", () => {
  it.effect("2.9 s connecting, then 2.9 s to the answer: each phase is under 3.1 s, so it succeeds", () => {
    const http = MemoryHttpClient.make(() => ({
      status: 200,
      body: "flag",
      headers: image,
      connectDelay: "2900 millis",
      delay: "2900 millis"
    }))
    return Effect.gen(function* () {
      const outcome = yield* endsAt(5800, downloadOne("BR", config))
      assert.strictEqual(outcome.status, "OK")
    }).pipe(withFakes(http))
  })

  it.effect("a connect that outlasts the timeout fails at exactly 3.1 s, saying it was connecting", () => {
    const http = MemoryHttpClient.make(() => ({ status: 200, body: "flag", connectDelay: "1 minute" }))
    return Effect.gen(function* () {
      const outcome = yield* endsAt(3100, downloadOne("BR", config))
      assert.strictEqual(outcome.error?._tag, "RequestTimeout")
      assert.strictEqual(outcome.error?.message, "timed out connecting after 3.1s")
    }).pipe(withFakes(http))
  })

  it.effect("an answer that does not come fails 3.1 s after the request was sent", () => {
    const http = MemoryHttpClient.make(() => ({
      status: 200,
      body: "flag",
      connectDelay: "1 second",
      delay: "1 minute"
    }))
    return Effect.gen(function* () {
      const outcome = yield* endsAt(4100, downloadOne("BR", config))
      assert.strictEqual(outcome.error?.message, "timed out waiting for the answer after 3.1s")
    }).pipe(withFakes(http))
  })

  for (const reportsPhases of [true, false]) {
    const client = reportsPhases ? "a client that reports its phases" : "a client that reports nothing"
    it.effect(`a body whose bytes come every 3 s arrives whole (${client})`, () => {
      const http = MemoryHttpClient.make(() => ({ status: 200, headers: image, chunks: threeSecondChunks }), {
        reportsPhases
      })
      const files = MemoryFileSystem.make()
      return Effect.gen(function* () {
        const outcome = yield* endsAt(12_000, downloadOne("BR", config))
        assert.strictEqual(outcome.status, "OK")
        assert.strictEqual(
          new TextDecoder().decode(files.state.files.get("/dest/BR.png")),
          "part 0;part 1;part 2;part 3;"
        )
      }).pipe(withFakes(http, files))
    })

    it.effect(`a stall of 3.2 s fails at exactly 3.1 s after the last byte (${client})`, () => {
      const http = MemoryHttpClient.make(
        () => ({
          status: 200,
          headers: image,
          chunks: [
            { after: "1 second", bytes: "first;" },
            { after: "3 seconds", bytes: "second;" },
            { after: "3200 millis", bytes: "too late" }
          ]
        }),
        { reportsPhases }
      )
      const files = MemoryFileSystem.make()
      return Effect.gen(function* () {
        // the last byte came at 4 s: the body is given up at 7.1 s, not at 7.2 s when more would come
        const outcome = yield* endsAt(7100, downloadOne("BR", config))
        assert.strictEqual(outcome.error?._tag, "RequestTimeout")
        assert.strictEqual(outcome.error?.message, "body stalled for 3.1s")
        assert.strictEqual(files.state.files.size, 0, "no partial file")
      }).pipe(withFakes(http, files))
    })
  }

  it.effect("a client that reports nothing: connecting and waiting count as one phase, the answer's", () => {
    const http = MemoryHttpClient.make(
      () => ({ status: 200, body: "flag", connectDelay: "2 seconds", delay: "2 seconds" }),
      { reportsPhases: false }
    )
    return Effect.gen(function* () {
      const outcome = yield* endsAt(3100, downloadOne("BR", config))
      assert.strictEqual(outcome.error?.message, "timed out waiting for the answer after 3.1s")
    }).pipe(withFakes(http))
  })

  it.effect("maxTime bounds the whole download, retries included, at exactly its deadline", () => {
    // every attempt is slow but never idle: the phases alone would let it run for ever
    const http = MemoryHttpClient.make((_, attempt) =>
      attempt < 3
        ? { status: 503, delay: "2 seconds", headers: { "retry-after": "1" } }
        : { status: 200, headers: image, chunks: threeSecondChunks }
    )
    return Effect.gen(function* () {
      const outcome = yield* endsAt(
        10_000,
        downloadOne("BR", { ...config, retries: 5, maxTime: Duration.seconds(10) })
      )
      assert.strictEqual(outcome.error?._tag, "RequestTimeout")
      assert.deepInclude(outcome.error, { phase: "total" })
      assert.strictEqual(http.stats.requests.length, 4, "three 503s, then the slow answer cut short")
    }).pipe(withFakes(http))
  })

  it.effect("each phase of each request is timed on its own, for a hundred requests at once", () => {
    // request i connects for i * 30 ms and answers after 3 s: all under the timeout, whatever their sum
    const http = MemoryHttpClient.make((url) => {
      const i = Number(/\/(\d+)\//.exec(url.pathname)?.[1] ?? 0)
      return { status: 200, body: "x", headers: image, connectDelay: `${i * 30} millis`, delay: "3 seconds" }
    })
    const codes = Array.from({ length: 100 }, (_, i) => String(i))
    return Effect.gen(function* () {
      const fiber = yield* Effect.fork(
        downloadMany(codes, { ...config, baseUrl: "http://flags.test" }, { concurrency: 100 })
      )
      yield* TestClock.adjust("6 seconds")
      const summary = yield* Fiber.join(fiber)
      assert.strictEqual(summary.ok, 100)
      assert.strictEqual(Duration.toMillis(summary.elapsed), 99 * 30 + 3000)
    }).pipe(withFakes(http))
  })
})
