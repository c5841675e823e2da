/** `downloadStream`: bounded concurrency, completion order, codes read lazily, early ends interrupt. */
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { downloadStream } from "../src/download/Downloader.js"
import * as MemoryFileSystem from "../src/testing/MemoryFileSystem.js"
import * as MemoryHttpClient from "../src/testing/MemoryHttpClient.js"
import { config, withFakes } from "./support/memoryRun.js"

/** Flags whose answers take as many seconds as the code's position in `delays`. */
const slowSite = (delays: Record<string, number>) =>
  MemoryHttpClient.make((url) => {
    const cc = /^\/flags\/([a-z]{2})\//.exec(url.pathname)?.[1]?.toUpperCase() ?? ""
    const seconds = delays[cc]
    return seconds === undefined
      ? { status: 404, delay: "1 second" }
      : { status: 200, body: `flag-${cc}`, delay: `${seconds} seconds` }
  })

describe("downloadStream", () => {
  it.effect("emits outcomes as downloads end, at most `concurrency` in flight", () => {
    const http = slowSite({ AA: 3, BB: 1, CC: 2, DD: 1 })
    const files = MemoryFileSystem.make()
    return Effect.gen(function* () {
      const fiber = yield* Effect.fork(
        Stream.runCollect(downloadStream(["AA", "BB", "CC", "DD"], config, { concurrency: 2 }))
      )
      // AA (3 s) and BB (1 s) start; BB ends at 1 s, CC starts (ends 3 s); AA ends 3 s, DD starts (ends 4 s)
      yield* TestClock.adjust("3999 millis")
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      yield* TestClock.adjust("1 millis")
      const outcomes = Chunk.toArray(yield* Fiber.join(fiber))
      assert.strictEqual(outcomes[0]?.id, "BB")
      assert.strictEqual(outcomes[3]?.id, "DD")
      assert.sameMembers(
        outcomes.map((o) => o.id),
        ["AA", "BB", "CC", "DD"]
      )
      assert.isTrue(outcomes.every((o) => o.status === "OK"))
      assert.strictEqual(http.stats.maxInFlight, 2)
      assert.strictEqual(files.state.files.size, 4)
    }).pipe(withFakes(http, files))
  })

  it.effect("reads codes lazily: an endless generator, taken from, ends", () => {
    const http = slowSite({})
    let pulled = 0
    function* endless() {
      for (;;) {
        pulled++
        yield "ZZ"
      }
    }
    return Effect.gen(function* () {
      const fiber = yield* Effect.fork(
        Stream.runCollect(downloadStream(endless(), config, { concurrency: 3 }).pipe(Stream.take(5)))
      )
      yield* TestClock.adjust("2 seconds")
      const outcomes = yield* Fiber.join(fiber)
      assert.strictEqual(Chunk.size(outcomes), 5)
      assert.isTrue(Chunk.every(outcomes, (o) => o.status === "NOT_FOUND"))
      // pulled one per free slot: what was taken, plus at most one in flight and one buffered per slot
      assert.isAtLeast(pulled, 6)
      assert.isAtMost(pulled, 5 + 2 * 3)
      assert.strictEqual(http.stats.inFlight, 0)
    }).pipe(withFakes(http))
  })

  it.effect("an empty list is an empty stream", () =>
    Effect.gen(function* () {
      const outcomes = yield* Stream.runCollect(downloadStream([], config, { concurrency: 4 }))
      assert.strictEqual(Chunk.size(outcomes), 0)
    }).pipe(withFakes(slowSite({})))
  )
})
