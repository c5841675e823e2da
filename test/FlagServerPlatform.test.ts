import { readFileSync } from "node:fs"
import * as Http from "node:http"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import * as FlagServer from "../src/server/FlagServer.js"
import { asleep, eventually } from "./support/eventually.js"
import { rawRequest } from "./support/http.js"

const packageDir = dirname(createRequire(import.meta.url).resolve("svg-country-flags/countries.json"))
// the platform's Node server on a free port, alive for the test's scope
const start = (options: Parameters<typeof FlagServer.makeOnHttpServer>[0] = {}) =>
  Effect.flatMap(
    Layer.build(NodeHttpServer.layer(() => Http.createServer(), { host: "127.0.0.1", port: 0 })),
    (context) => Effect.provide(FlagServer.makeOnHttpServer(options), context)
  )

describe("FlagServer.makeOnHttpServer (any platform's HttpServer)", () => {
  it.scoped("serves the same files, metadata, listing, 404, 405 and HEAD", () =>
    Effect.gen(function* () {
      const server = yield* start()
      assert.match(server.baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/flags$/)
      const png = yield* rawRequest(server.baseUrl, "/flags/br/br.png")
      assert.strictEqual(png.status, 200)
      assert.strictEqual(png.headers["content-type"], "image/png")
      assert.deepStrictEqual(png.body, readFileSync(join(packageDir, "png100px", "br.png")))
      assert.strictEqual(png.headers["content-length"], String(png.body.length))
      const metadata = yield* rawRequest(server.baseUrl, "/flags/jp/metadata.json")
      assert.deepStrictEqual(JSON.parse(metadata.body.toString()), {
        tld_cc: ".jp",
        iso_cc: "JP",
        country: "Japan"
      })
      const listing = JSON.parse((yield* rawRequest(server.baseUrl, "/flags/")).body.toString())
      assert.deepStrictEqual(listing.codes, server.codes)
      assert.strictEqual((yield* rawRequest(server.baseUrl, "/flags/zz/zz.png")).status, 404)
      assert.strictEqual(
        (yield* rawRequest(server.baseUrl, "/flags/br/br.png", { method: "PUT" })).status,
        405
      )
      const head = yield* rawRequest(server.baseUrl, "/flags/br/br.png", { method: "HEAD" })
      assert.strictEqual(head.status, 200)
      assert.strictEqual(head.body.length, 0)
      assert.strictEqual(head.headers["content-length"], String(png.body.length))
    })
  )

  it.scoped("delays on Effect's clock and answers status faults with Retry-After", () =>
    Effect.gen(function* () {
      const slow = yield* start({ delay: "2 seconds", throttleRate: 1, retryAfter: 3 })
      const request = yield* Effect.fork(rawRequest(slow.baseUrl, "/flags/br/br.png"))
      yield* eventually(Effect.map(slow.inFlight, (n) => n === 1))
      yield* asleep()
      yield* TestClock.adjust("1999 millis")
      assert.isTrue(Option.isNone(yield* Fiber.poll(request)))
      yield* TestClock.adjust("1 millis")
      const throttled = yield* Fiber.join(request)
      assert.strictEqual(throttled.status, 429)
      assert.strictEqual(throttled.headers["retry-after"], "3")
      assert.strictEqual(yield* slow.maxInFlight, 1)
    })
  )

  it.live("breaks transfers as body streams: truncated, reset, stalled", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const fetchWith = (options: FlagServer.FlagServerOptions, idleMs?: number) =>
          Effect.flatMap(start(options), (s) =>
            rawRequest(s.baseUrl, "/flags/br/br.png", idleMs === undefined ? {} : { idleMs })
          )
        for (const options of [{ truncateRate: 1 }, { resetRate: 1 }]) {
          const cut = yield* fetchWith(options)
          assert.strictEqual(cut.status, 200)
          assert.isDefined(cut.error)
          assert.isBelow(cut.body.length, Number(cut.headers["content-length"]))
        }
        // the headers, then not a byte: cut 300 ms after the headers (a late body could only pass this)
        const stalled = yield* fetchWith({ stallRate: 1 }, 300)
        assert.strictEqual(stalled.status, 200)
        assert.strictEqual(stalled.body.length, 0)
        assert.strictEqual(stalled.error, "timeout")
      })
    )
  )

  it.scoped("a slow body streams on Effect's clock: at 10,000 B/s, 2,009 bytes are whole at 300 ms", () =>
    Effect.gen(function* () {
      const server = yield* start({ slowRate: 1, bandwidth: 10_000 })
      const request = yield* Effect.fork(rawRequest(server.baseUrl, "/flags/br/br.png"))
      // a tenth of the bandwidth every tenth of a second, each chunk after its tenth: 1,000 bytes at
      // 100 ms, 1,000 at 200 ms, the last 9 at 300 ms. The body's first sleep is the sign it started:
      // not `inFlight`, which here counts the handler only, over before the body streams (a wait for
      // it missed that moment on a busy machine, 1 run of 12, and waited forever)
      for (const ms of [0, 100, 200]) {
        // the server has written what is due by now, and sleeps until the next tenth
        yield* asleep(1, (at) => at === ms + 100)
        assert.isTrue(Option.isNone(yield* Fiber.poll(request)), `still open at ${ms} ms`)
        yield* TestClock.adjust("100 millis")
      }
      const slow = yield* Fiber.join(request)
      assert.strictEqual(slow.error, undefined)
      assert.deepStrictEqual(slow.body, readFileSync(join(packageDir, "png100px", "br.png")))
    })
  )
})
