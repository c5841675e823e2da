/**
 * Any list of URLs, politely, on Effect's clock: per-host caps that leave other hosts their share, a
 * request rate that holds at any concurrency, one pause for a throttled host (none of its requests sent
 * meanwhile, the other host unaffected, the waiting ones resuming spread out), and what dest already has.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import * as HostPolicy from "../src/download/HostPolicy.js"
import { defaultRequestOptions } from "../src/download/HttpGet.js"
import { downloadUrls } from "../src/download/UrlDownloads.js"
import type { UrlItem } from "../src/download/UrlList.js"
import * as MemoryFileSystem from "../src/testing/MemoryFileSystem.js"
import * as MemoryHttpClient from "../src/testing/MemoryHttpClient.js"
import { withFakes } from "./support/memoryRun.js"

const config = { ...defaultRequestOptions, dest: "/dest" }
const urls = (host: string, n: number): Array<UrlItem> =>
  Array.from({ length: n }, (_, i) => ({ url: `http://${host}/files/${i}.bin` }))
const startsAt = (http: ReturnType<typeof MemoryHttpClient.make>, host: string) =>
  http.stats.started.filter((s) => s.url.includes(`//${host}/`)).map((s) => s.at)

describe("downloadUrls: per-host limits", () => {
  it.effect(
    "--max-per-host 2 with a slow host and a fast one: neither exceeds 2, the fast one is not held up",
    () => {
      const http = MemoryHttpClient.make((url) => ({
        status: 200,
        body: url.pathname,
        delay: url.hostname === "slow.test" ? "1 second" : "100 millis"
      }))
      // the slow host's URLs come first: a plain pool of 10 would fill with them
      const items = [...urls("slow.test", 10), ...urls("fast.test", 10)]
      return Effect.gen(function* () {
        const fiber = yield* Effect.fork(
          downloadUrls(items, config, { concurrency: 10, policy: { maxPerHost: 2 } })
        )
        yield* TestClock.adjust("500 millis")
        // the fast host ran 2 at a time alongside the slow one: 10 in 5 × 100 ms
        assert.strictEqual(http.stats.hosts.get("http://fast.test:80")?.requests, 10)
        yield* TestClock.adjust("4500 millis")
        const summary = yield* Fiber.join(fiber)
        assert.strictEqual(summary.ok, 20)
        assert.strictEqual(Duration.toMillis(summary.elapsed), 5000, "the slow host: 10 at 2 a second")
        assert.strictEqual(http.stats.hosts.get("http://slow.test:80")?.maxInFlight, 2)
        assert.strictEqual(http.stats.hosts.get("http://fast.test:80")?.maxInFlight, 2)
      }).pipe(withFakes(http))
    }
  )

  it.effect(
    "--rate 10/s over 5 simulated seconds starts exactly 50 requests, whatever the concurrency",
    () => {
      const http = MemoryHttpClient.make(() => ({ status: 200, body: "x" }))
      return Effect.gen(function* () {
        const fiber = yield* Effect.fork(
          downloadUrls(urls("a.test", 200), config, {
            concurrency: 100,
            policy: { rate: Option.getOrThrow(HostPolicy.parseRate("10/s")) }
          })
        )
        yield* TestClock.adjust("4999 millis")
        const starts = startsAt(http, "a.test")
        assert.strictEqual(starts.length, 50)
        // evenly spread: one every 100 ms, never two at once
        assert.deepStrictEqual(starts.slice(0, 5), [0, 100, 200, 300, 400])
        yield* Fiber.interrupt(fiber)
      }).pipe(withFakes(http))
    }
  )
})

describe("downloadUrls: one pause for a throttled host", () => {
  it.effect(
    "a 429 with Retry-After: 2 pauses host A for exactly 2 s; B carries on; A resumes spread out",
    () => {
      let throttled = false
      const http = MemoryHttpClient.make((url, attempt) => {
        // the first answer from A is a 429; A's every other request is fine
        if (url.hostname === "a.test" && !throttled) {
          throttled = true
          return { status: 429, headers: { "retry-after": "2" }, delay: "10 millis" }
        }
        return { status: 200, body: `${url.pathname} ${attempt}`, delay: "100 millis" }
      })
      const items = [...urls("a.test", 21), ...urls("b.test", 20)]
      return Effect.gen(function* () {
        const fiber = yield* Effect.fork(
          downloadUrls(items, { ...config, retries: 1 }, { concurrency: 50, policy: { maxPerHost: 1 } })
        )
        yield* TestClock.adjust("10 seconds")
        const summary = yield* Fiber.join(fiber)
        assert.strictEqual(summary.ok, 41, "the throttled request's retry arrives too")
        const a = startsAt(http, "a.test")
        // the 429 came at 10 ms: no request to A from then until 2 s later
        assert.strictEqual(a[0], 0)
        assert.isTrue(
          a.slice(1).every((at) => at >= 2010),
          `A's requests after the 429: ${a.slice(1, 4).join(", ")}…`
        )
        // B ran its 20 one after another meanwhile, untouched by A's pause
        const b = startsAt(http, "b.test")
        assert.deepStrictEqual(b.slice(0, 3), [0, 100, 200])
        assert.strictEqual(b.length, 20)
        assert.isBelow(b[19] as number, 2000)
      }).pipe(withFakes(http))
    }
  )

  it.effect("the requests waiting out a pause resume at different moments within the jitter window", () => {
    let throttles = 0
    const http = MemoryHttpClient.make((url) =>
      url.pathname === "/files/0.bin" && throttles++ === 0
        ? { status: 429, headers: { "retry-after": "2" }, delay: "50 millis" }
        : { status: 200, body: "x", delay: "100 millis" }
    )
    return Effect.gen(function* () {
      // 20 in flight when the 429 comes at 50 ms; as they end at 100 ms, the next 20 meet the pause
      const fiber = yield* Effect.fork(
        downloadUrls(urls("a.test", 40), { ...config, retries: 1 }, { concurrency: 20, policy: {} })
      )
      yield* TestClock.adjust("10 seconds")
      assert.strictEqual((yield* Fiber.join(fiber)).ok, 40)
      const starts = startsAt(http, "a.test")
      const resumed = starts.filter((at) => at > 0)
      assert.strictEqual(resumed.length, 21, "the 20 waiting and the throttled one's retry")
      assert.isTrue(
        resumed.every((at) => at >= 2050 && at < 3050),
        `after the pause, within half its length: ${resumed.join(", ")}`
      )
      assert.isAbove(new Set(resumed).size, 15, `not all at once: ${resumed.join(", ")}`)
    }).pipe(withFakes(http))
  })
})

describe("downloadUrls: names and what dest already has", () => {
  it.effect("files are named from the URL's last segment, made safe and unique, or out=", () => {
    const http = MemoryHttpClient.make((url) => ({ status: 200, body: url.href }))
    const files = MemoryFileSystem.make()
    const items: Array<UrlItem> = [
      { url: "http://a.test/docs/index.html" },
      { url: "http://b.test/other/index.html" },
      { url: "http://a.test/" },
      { url: "http://a.test/..%2F..%2Fetc%2Fpasswd" },
      { url: "http://a.test/.hidden?x=1" },
      { url: "http://a.test/x.bin", out: "named.bin" }
    ]
    return Effect.gen(function* () {
      const summary = yield* downloadUrls(items, config, { concurrency: 3 })
      assert.deepStrictEqual(
        summary.outcomes.map((o) => o.file),
        ["index.html", "index-1.html", "index-2.html", "etc_passwd", "hidden", "named.bin"]
      )
      assert.deepStrictEqual([...files.state.files.keys()].sort(), [
        "/dest/etc_passwd",
        "/dest/hidden",
        "/dest/index-1.html",
        "/dest/index-2.html",
        "/dest/index.html",
        "/dest/named.bin"
      ])
    }).pipe(withFakes(http, files))
  })

  it.effect("--on-exists skip asks for nothing dest has; rename keeps both; overwrite replaces", () => {
    const http = MemoryHttpClient.make((url) => ({ status: 200, body: `new ${url.pathname}` }))
    const files = MemoryFileSystem.make()
    files.state.directories.add("/dest")
    files.state.files.set("/dest/a.txt", new TextEncoder().encode("old a"))
    const items: Array<UrlItem> = [{ url: "http://h.test/a.txt" }, { url: "http://h.test/b.txt" }]
    const text = (path: string) => new TextDecoder().decode(files.state.files.get(path))
    return Effect.gen(function* () {
      const skipped = yield* downloadUrls(items, { ...config, onExists: "skip" }, { concurrency: 2 })
      assert.deepStrictEqual(
        skipped.outcomes.map((o) => o.status),
        ["SKIPPED", "OK"]
      )
      assert.strictEqual(skipped.skipped, 1)
      assert.deepStrictEqual(http.stats.requests, ["http://h.test/b.txt"], "no request for what dest has")
      assert.strictEqual(text("/dest/a.txt"), "old a")
      const renamed = yield* downloadUrls(
        items.slice(0, 1),
        { ...config, onExists: "rename" },
        { concurrency: 1 }
      )
      assert.strictEqual(renamed.outcomes[0]?.file, "a-1.txt")
      assert.strictEqual(text("/dest/a.txt"), "old a")
      assert.strictEqual(text("/dest/a-1.txt"), "new /a.txt")
      yield* downloadUrls(items.slice(0, 1), config, { concurrency: 1 })
      assert.strictEqual(text("/dest/a.txt"), "new /a.txt")
    }).pipe(withFakes(http, files))
  })
})
