import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Metric from "effect/Metric"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import { top20 } from "../src/download/CountryCodes.js"
import { downloadMany, downloadOne } from "../src/download/Downloader.js"
import * as DownloadMetrics from "../src/download/DownloadMetrics.js"
import * as MemoryFileSystem from "../src/testing/MemoryFileSystem.js"
import * as MemoryHttpClient from "../src/testing/MemoryHttpClient.js"
import { config, withFakes } from "./support/memoryRun.js"

const codes = [...top20].sort()

describe("downloadMany", () => {
  it.effect(
    "20 codes at concurrency 5 with a 1 s delay take exactly 4 s, never more than 5 in flight",
    () => {
      const http = MemoryHttpClient.flagSite(codes, { delay: "1 second" })
      const files = MemoryFileSystem.make()
      return Effect.gen(function* () {
        const fiber = yield* Effect.fork(downloadMany(codes, config, { concurrency: 5 }))
        yield* TestClock.adjust("3999 millis")
        assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
        yield* TestClock.adjust("1 millis")
        const summary = yield* Fiber.join(fiber)
        assert.strictEqual(summary.ok, 20)
        assert.strictEqual(Duration.toMillis(summary.elapsed), 4000)
        assert.strictEqual(http.stats.maxInFlight, 5)
        assert.deepStrictEqual(
          [...files.state.files.keys()].sort(),
          codes.map((cc) => `/dest/${cc}.png`)
        )
        assert.strictEqual(new TextDecoder().decode(files.state.files.get("/dest/BR.png")), "flag-BR")
      }).pipe(withFakes(http, files))
    }
  )

  it.effect("one at a time, 20 codes take 20 s", () => {
    const http = MemoryHttpClient.flagSite(codes, { delay: "1 second" })
    return Effect.gen(function* () {
      const fiber = yield* Effect.fork(downloadMany(codes, config, { concurrency: 1 }))
      yield* TestClock.adjust("19999 millis")
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      yield* TestClock.adjust("1 millis")
      assert.strictEqual((yield* Fiber.join(fiber)).ok, 20)
      assert.strictEqual(http.stats.maxInFlight, 1)
    }).pipe(withFakes(http))
  })

  it.effect("counts come from the outcomes: OK, NOT_FOUND and ERROR", () => {
    const http = MemoryHttpClient.make((url) =>
      url.pathname.includes("/br/")
        ? { status: 200, body: "br" }
        : url.pathname.includes("/xx/")
          ? { status: 418 }
          : { status: 404 }
    )
    return Effect.gen(function* () {
      const summary = yield* downloadMany(["BR", "XX", "ZZ", "QQ"], config, { concurrency: 4 })
      assert.deepStrictEqual([summary.ok, summary.notFound, summary.error], [1, 2, 1])
      const teapot = summary.outcomes.find((o) => o.id === "XX")
      assert.strictEqual(teapot?.error?._tag, "HttpStatusError")
      assert.strictEqual(teapot?.error?.message, "HTTP error 418 - I'm a Teapot")
      assert.strictEqual(
        summary.outcomes.find((o) => o.id === "ZZ")?.error?.message,
        "not found: http://flags.test/flags/zz/zz.png"
      )
    }).pipe(withFakes(http))
  })
})

describe("downloadOne", () => {
  it.effect("a timeout fires at 3.1 s", () => {
    const http = MemoryHttpClient.make(() => ({ status: 200, body: "late", delay: "10 seconds" }))
    return Effect.gen(function* () {
      const fiber = yield* Effect.fork(downloadOne("BR", config))
      yield* TestClock.adjust("3099 millis")
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      yield* TestClock.adjust("1 millis")
      const outcome = yield* Fiber.join(fiber)
      assert.strictEqual(outcome.status, "ERROR")
      assert.strictEqual(outcome.error?.message, "timed out waiting for the answer after 3.1s")
    }).pipe(withFakes(http))
  })

  it.effect("retries transient failures on schedule, honouring Retry-After", () => {
    const http = MemoryHttpClient.make((_, attempt) =>
      attempt < 2 ? { status: 503, headers: { "retry-after": "2" } } : { status: 200, body: "ok" }
    )
    return Effect.gen(function* () {
      const fiber = yield* Effect.fork(downloadOne("BR", { ...config, retries: 3 }))
      yield* TestClock.adjust("1999 millis")
      assert.strictEqual(http.stats.requests.length, 1)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(http.stats.requests.length, 2)
      yield* TestClock.adjust("1999 millis")
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      yield* TestClock.adjust("1 millis")
      assert.strictEqual((yield* Fiber.join(fiber)).status, "OK")
      assert.strictEqual(http.stats.requests.length, 3)
    }).pipe(withFakes(http))
  })

  it.effect("retries back off exponentially with jitter: 200 ms then 400 ms, each ×0.8–1.2", () => {
    const http = MemoryHttpClient.make((_, attempt) =>
      attempt < 2 ? { status: 500 } : { status: 200, body: "ok" }
    )
    return Effect.gen(function* () {
      const fiber = yield* Effect.fork(downloadOne("BR", { ...config, retries: 3 }))
      yield* TestClock.adjust("159 millis")
      assert.strictEqual(http.stats.requests.length, 1, "no retry before 160 ms")
      yield* TestClock.adjust("81 millis")
      assert.strictEqual(http.stats.requests.length, 2, "first retry by 240 ms")
      yield* TestClock.adjust("239 millis")
      assert.strictEqual(http.stats.requests.length, 2, "second retry not before 160 + 320 ms")
      yield* TestClock.adjust("241 millis")
      assert.strictEqual(http.stats.requests.length, 3, "second retry by 240 + 480 ms")
      assert.strictEqual((yield* Fiber.join(fiber)).status, "OK")
    }).pipe(withFakes(http))
  })

  it.effect("never retries a 404, and gives up after the last retry", () => {
    const http = MemoryHttpClient.make((url) =>
      url.pathname.includes("/zz/") ? { status: 404 } : { status: 500 }
    )
    return Effect.gen(function* () {
      const fiber = yield* Effect.fork(
        Effect.all([
          downloadOne("ZZ", { ...config, retries: 3 }),
          downloadOne("BR", { ...config, retries: 2 })
        ])
      )
      yield* TestClock.adjust("1 minute")
      const [missing, broken] = yield* Fiber.join(fiber)
      assert.strictEqual(missing.status, "NOT_FOUND")
      assert.strictEqual(broken.status, "ERROR")
      assert.strictEqual(http.stats.requests.filter((u) => u.includes("/zz/")).length, 1)
      assert.strictEqual(http.stats.requests.filter((u) => u.includes("/br/")).length, 3)
    }).pipe(withFakes(http))
  })

  it.effect("a body over the cap is an error and nothing is written", () => {
    const http = MemoryHttpClient.make(() => ({ status: 200, body: new Uint8Array(2048) }))
    const files = MemoryFileSystem.make()
    return Effect.gen(function* () {
      const outcome = yield* downloadOne("BR", { ...config, maxBytes: 1024 })
      assert.strictEqual(outcome.error?._tag, "BodyTooLarge")
      assert.strictEqual(files.state.files.size, 0)
    }).pipe(withFakes(http, files))
  })

  it.effect("flags3 names: files named by country, hostile names kept inside dest and unique", () => {
    const countries: Record<string, string> = {
      BR: "Brazil",
      CI: "Côte d'Ivoire",
      XA: "../../x",
      XB: "/etc/passwd",
      XC: "..",
      XD: "a/b",
      XE: "C:\\x",
      XF: "bell\u0007and\nnewline",
      XG: "x".repeat(10_000),
      XH: "Brazil"
    }
    const http = MemoryHttpClient.flagSite(Object.keys(countries), { countries })
    const files = MemoryFileSystem.make()
    return Effect.gen(function* () {
      const summary = yield* downloadMany(
        Object.keys(countries),
        { ...config, names: true },
        { concurrency: 3 }
      )
      assert.strictEqual(summary.ok, 10)
      const names = [...files.state.files.keys()]
      assert.strictEqual(new Set(names).size, 10)
      for (const name of names) {
        const file = name.slice("/dest/".length)
        assert.isFalse(/[/\\]/.test(file) || [...file].some((c) => c.charCodeAt(0) < 32), file)
        assert.isFalse(file.startsWith("."), file)
        assert.isBelow(file.length, 100)
      }
      assert.include(names, "/dest/Brazil-BR.png")
      assert.include(names, "/dest/Côte_d'Ivoire-CI.png")
      assert.include(names, "/dest/Brazil-XH.png")
    }).pipe(withFakes(http, files))
  })

  it.effect("metadata that is not JSON, or has no country, is an error for that code", () => {
    const http = MemoryHttpClient.make((url) =>
      url.pathname.endsWith("metadata.json")
        ? { status: 200, body: url.pathname.includes("/br/") ? "<html>" : '{"name": "x"}' }
        : { status: 200, body: "img" }
    )
    return Effect.gen(function* () {
      const summary = yield* downloadMany(["BR", "AR"], { ...config, names: true }, { concurrency: 2 })
      assert.strictEqual(summary.error, 2)
      assert.isTrue(summary.outcomes.every((o) => o.error?._tag === "BadMetadata"))
    }).pipe(withFakes(http))
  })

  it.effect("interruption stops every download and leaves no temporary file", () => {
    const http = MemoryHttpClient.flagSite(codes, { delay: "100 millis" })
    const files = MemoryFileSystem.make({ writeDelay: "1 second" })
    return Effect.gen(function* () {
      const fiber = yield* Effect.fork(downloadMany(codes, config, { concurrency: 5 }))
      yield* TestClock.adjust("600 millis")
      const underWay = [...files.state.files.keys()]
      assert.isAbove(underWay.length, 0, "writes under way")
      // a save under way ends (its write and rename), so the interruption waits for its second
      const interruption = yield* Effect.fork(Fiber.interrupt(fiber))
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(interruption)
      const left = [...files.state.files.keys()]
      assert.deepStrictEqual(
        left.filter((file) => file.endsWith(".part")),
        [],
        "no temporary file"
      )
      assert.strictEqual(left.length, underWay.length, "the saves under way, complete; nothing new")
      assert.strictEqual(http.stats.inFlight, 0)
    }).pipe(withFakes(http, files))
  })

  it.effect(
    "a full disk stops the run at that code (DiskFull), keeps finished files whole, no partial file",
    () => {
      const http = MemoryHttpClient.flagSite(codes)
      const files = MemoryFileSystem.make({ capacity: 7 * 3 + 3 })
      return Effect.gen(function* () {
        const ended: Array<string> = []
        const full = yield* Effect.flip(
          downloadMany(codes.slice(0, 5), config, {
            concurrency: 1,
            onOutcome: (outcome) => Effect.sync(() => ended.push(`${outcome.id} ${outcome.status}`))
          })
        )
        assert.strictEqual(full._tag, "DiskFull")
        assert.deepStrictEqual(
          ended,
          codes.slice(0, 3).map((cc) => `${cc} OK`)
        )
        assert.strictEqual(http.stats.requests.length, 4, "the fifth code is not asked for")
        const kept = [...files.state.files.entries()]
        assert.strictEqual(kept.length, 3)
        for (const [name, data] of kept)
          assert.strictEqual(new TextDecoder().decode(data), `flag-${name.slice(6, 8)}`)
      }).pipe(withFakes(http, files))
    }
  )
})

describe("metrics", () => {
  it.effect("counts downloads by status and records their durations", () => {
    const http = MemoryHttpClient.flagSite(["BR"], { delay: "40 millis" })
    const okCount = Metric.tagged(DownloadMetrics.downloads, "status", "OK")
    const missingCount = Metric.tagged(DownloadMetrics.downloads, "status", "NOT_FOUND")
    return Effect.gen(function* () {
      const okBefore = (yield* Metric.value(okCount)).count
      const missingBefore = (yield* Metric.value(missingCount)).count
      const durationsBefore = (yield* Metric.value(DownloadMetrics.downloadDuration)).count
      const fiber = yield* Effect.fork(downloadMany(["BR", "ZZ", "QQ"], config, { concurrency: 3 }))
      yield* TestClock.adjust("40 millis")
      yield* Fiber.join(fiber)
      assert.strictEqual((yield* Metric.value(okCount)).count - okBefore, 1)
      assert.strictEqual((yield* Metric.value(missingCount)).count - missingBefore, 2)
      const durations = yield* Metric.value(DownloadMetrics.downloadDuration)
      assert.strictEqual(durations.count - durationsBefore, 3)
    }).pipe(withFakes(http))
  })
})
