/**
 * One bandwidth budget for every transfer (`--limit-rate`), on Effect's clock: N bytes at R bytes per
 * second take N / R seconds whatever the concurrency, an idle budget saves nothing up, and a wait for
 * the budget is no phase of the request (a 3.1 s timeout does not fire while the limit holds a body back).
 */
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import * as Bandwidth from "../src/download/Bandwidth.js"
import { defaultRequestOptions } from "../src/download/HttpGet.js"
import { downloadUrls } from "../src/download/UrlDownloads.js"
import * as MemoryFileSystem from "../src/testing/MemoryFileSystem.js"
import * as MemoryHttpClient from "../src/testing/MemoryHttpClient.js"
import { withFakes } from "./support/memoryRun.js"

const MiB = 1024 * 1024
const KiB = 1024
/** A body of `size` bytes in chunks of 64 KiB, all sent at once: only the limit paces it. */
const chunked = (size: number): MemoryHttpClient.FakeAnswer => ({
  status: 200,
  chunks: Array.from({ length: Math.ceil(size / (64 * KiB)) }, (_, i) => ({
    after: Duration.zero,
    bytes: new Uint8Array(Math.min(64 * KiB, size - i * 64 * KiB)).fill(i % 251)
  }))
})

const limitedRun = (files: number, sizeEach: number, concurrency: number) =>
  Effect.gen(function* () {
    const http = MemoryHttpClient.make(() => chunked(sizeEach))
    const fs = MemoryFileSystem.make()
    const bandwidth = yield* Bandwidth.make(2 * MiB)
    const items = Array.from({ length: files }, (_, i) => ({ url: `http://big.test/f${i}.bin` }))
    const config = { ...defaultRequestOptions, maxBytes: 64 * MiB, dest: "/dest", bandwidth }
    const fiber = yield* Effect.fork(downloadUrls(items, config, { concurrency }).pipe(withFakes(http, fs)))
    yield* TestClock.adjust("4999 millis")
    assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)), "not done before 5 s")
    yield* TestClock.adjust("1 millis")
    const summary = yield* Fiber.join(fiber)
    assert.strictEqual(summary.ok, files)
    assert.strictEqual(Duration.toMillis(summary.elapsed), 5000)
    assert.strictEqual(fs.state.files.get(`/dest/f${files - 1}.bin`)?.length, sizeEach)
    return http
  })

describe("Bandwidth", () => {
  it.effect("10 MiB at --limit-rate 2M take 5 s of Clock time: one download", () =>
    limitedRun(1, 10 * MiB, 1)
  )

  it.effect("10 MiB at --limit-rate 2M take 5 s of Clock time: 20 downloads of 512 KiB at once", () =>
    Effect.map(limitedRun(20, 512 * KiB, 20), (http) => assert.strictEqual(http.stats.maxInFlight, 20))
  )

  it.effect("a wait for the budget is no phase: a 3.1 s timeout does not fire in a 5 s transfer", () =>
    Effect.gen(function* () {
      const http = MemoryHttpClient.make(() => chunked(MiB))
      const bandwidth = yield* Bandwidth.make(200 * KiB)
      const config = { ...defaultRequestOptions, dest: "/dest", bandwidth }
      const fiber = yield* Effect.fork(
        downloadUrls([{ url: "http://big.test/one.bin" }], config, { concurrency: 1 }).pipe(withFakes(http))
      )
      yield* TestClock.adjust("5120 millis")
      const summary = yield* Fiber.join(fiber)
      assert.strictEqual(summary.ok, 1, JSON.stringify(summary.outcomes))
    })
  )

  it.effect("an idle budget saves nothing up: after a pause, bytes wait their time again", () =>
    Effect.gen(function* () {
      const bandwidth = yield* Bandwidth.make(1000)
      const first = yield* Effect.fork(bandwidth.take(500))
      yield* TestClock.adjust("500 millis")
      yield* Fiber.join(first)
      yield* TestClock.adjust("10 seconds")
      const second = yield* Effect.fork(bandwidth.take(1000))
      yield* TestClock.adjust("999 millis")
      assert.isTrue(Option.isNone(yield* Fiber.poll(second)))
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(second)
    })
  )

  it("parses sizes as curl writes them, in powers of 1024", () => {
    assert.deepStrictEqual(Bandwidth.parseSize("500K"), Option.some(500 * KiB))
    assert.deepStrictEqual(Bandwidth.parseSize("2M"), Option.some(2 * MiB))
    assert.deepStrictEqual(Bandwidth.parseSize("1.5g"), Option.some(1.5 * 1024 * MiB))
    assert.deepStrictEqual(Bandwidth.parseSize("10MiB"), Option.some(10 * MiB))
    assert.deepStrictEqual(Bandwidth.parseSize("4096"), Option.some(4096))
    for (const bad of ["", "0", "-1K", "2X", "K", "1e3", "99999999T"]) {
      assert.isTrue(Option.isNone(Bandwidth.parseSize(bad)), bad)
    }
  })
})
