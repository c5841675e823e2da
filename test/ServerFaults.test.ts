import * as NodeContext from "@effect/platform-node/NodeContext"
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as TestClock from "effect/TestClock"
import * as NodeFlagServer from "../src/node/NodeFlagServer.js"
import type * as FlagServer from "../src/server/FlagServer.js"
import { decide, type FaultOptions, parseDelay } from "../src/server/ServerFaults.js"
import { asleep, eventually } from "./support/eventually.js"
import { rawRequest } from "./support/http.js"

const start = (options: FlagServer.FlagServerOptions) =>
  NodeFlagServer.make(options).pipe(Effect.provide(NodeContext.layer))

describe("parseDelay", () => {
  it("reads fixed delays and ranges", () => {
    const ms = (text: string) =>
      Option.map(parseDelay(text), (r) => [Duration.toMillis(r.min), Duration.toMillis(r.max)])
    assert.deepStrictEqual(ms("0.5s"), Option.some([500, 500]))
    assert.deepStrictEqual(ms("500ms"), Option.some([500, 500]))
    assert.deepStrictEqual(ms("2"), Option.some([2000, 2000]))
    assert.deepStrictEqual(ms(".5s..5s"), Option.some([500, 5000]))
    for (const bad of ["", "x", "-1s", "5s..1s", "1s..2s..3s", "1h"])
      assert.isTrue(Option.isNone(parseDelay(bad)), bad)
  })
})

describe("decide", () => {
  const options: FaultOptions = {
    delay: parseDelay("0.5s..5s").pipe(Option.getOrThrow),
    errorRate: 0.25,
    resetRate: 0.1
  }
  const sequence = (seed: number) =>
    Effect.withRandom(Effect.replicateEffect(decide(options), 50), Random.make(seed))

  it.effect("repeats the same sequence for the same seed", () =>
    Effect.gen(function* () {
      const a = yield* sequence(42)
      const b = yield* sequence(42)
      const c = yield* sequence(43)
      assert.deepStrictEqual(a, b)
      assert.notDeepEqual(a, c)
      for (const d of a) {
        const ms = Duration.toMillis(d.delay)
        assert.isTrue(ms >= 500 && ms <= 5000, `${ms}`)
      }
    })
  )

  it.effect("injects each fault at its rate", () =>
    Effect.gen(function* () {
      const draws = yield* Effect.withRandom(
        Effect.replicateEffect(decide({ errorRate: 0.25, throttleRate: 0.1, stallRate: 0.05 }), 20_000),
        Random.make(1)
      )
      const share = (test: (d: (typeof draws)[number]) => boolean) => draws.filter(test).length / draws.length
      assert.approximately(
        share((d) => d.fault._tag === "Status" && d.fault.status === 418),
        0.25,
        0.02
      )
      assert.approximately(
        share((d) => d.fault._tag === "Status" && d.fault.status === 429),
        0.1,
        0.015
      )
      assert.approximately(
        share((d) => d.fault._tag === "Stall"),
        0.05,
        0.01
      )
      assert.approximately(
        share((d) => d.fault._tag === "None"),
        0.6,
        0.02
      )
    })
  )
})

describe("FlagServer faults (real requests)", () => {
  it.scoped("waits the delay on Effect's clock: a 5 s delay under TestClock takes no real time", () =>
    Effect.gen(function* () {
      const server = yield* start({ delay: "5 seconds" })
      const request = yield* Effect.fork(rawRequest(server.baseUrl, "/flags/br/br.png"))
      yield* eventually(Effect.map(server.inFlight, (n) => n === 1))
      yield* asleep()
      yield* TestClock.adjust("4900 millis")
      assert.isTrue(Option.isNone(yield* Fiber.poll(request)))
      yield* TestClock.adjust("100 millis")
      assert.strictEqual((yield* Fiber.join(request)).status, 200)
    })
  )

  it.scoped("answers error statuses, and 429/503 with Retry-After", () =>
    Effect.gen(function* () {
      const teapot = yield* start({ errorRate: 1 })
      assert.strictEqual((yield* rawRequest(teapot.baseUrl, "/flags/br/br.png")).status, 418)
      const custom = yield* start({ errorRate: 1, errorStatus: 500 })
      assert.strictEqual((yield* rawRequest(custom.baseUrl, "/flags/br/br.png")).status, 500)
      const throttled = yield* rawRequest(
        (yield* start({ throttleRate: 1, retryAfter: 7 })).baseUrl,
        "/flags/br/br.png"
      )
      assert.strictEqual(throttled.status, 429)
      assert.strictEqual(throttled.headers["retry-after"], "7")
      const unavailable = yield* rawRequest(
        (yield* start({ unavailableRate: 1 })).baseUrl,
        "/flags/br/br.png"
      )
      assert.strictEqual(unavailable.status, 503)
      assert.strictEqual(unavailable.headers["retry-after"], "1")
    })
  )

  it.live("breaks transfers: reset, truncated body, stall", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const fetchWith = (options: FlagServer.FlagServerOptions, idleMs?: number) =>
          Effect.flatMap(start(options), (s) =>
            rawRequest(s.baseUrl, "/flags/br/br.png", idleMs === undefined ? {} : { idleMs })
          )

        const reset = yield* fetchWith({ resetRate: 1 })
        assert.isDefined(reset.error)
        const truncated = yield* fetchWith({ truncateRate: 1 })
        assert.isTrue(
          truncated.error !== undefined || truncated.body.length < Number(truncated.headers["content-length"])
        )
        assert.isBelow(truncated.body.length, Number(truncated.headers["content-length"]))
        // the headers, then not a byte: cut 300 ms after the headers (a late body could only pass this)
        const stalled = yield* fetchWith({ stallRate: 1 }, 300)
        assert.strictEqual(stalled.status, 200)
        assert.strictEqual(stalled.body.length, 0)
        assert.strictEqual(stalled.error, "timeout")
      })
    )
  )

  it.scoped("a slow body trickles on Effect's clock: at 10,000 B/s, 2,009 bytes are whole at 200 ms", () =>
    Effect.gen(function* () {
      const server = yield* start({ slowRate: 1, bandwidth: 10_000 })
      const request = yield* Effect.fork(rawRequest(server.baseUrl, "/flags/br/br.png"))
      yield* eventually(Effect.map(server.inFlight, (n) => n === 1))
      // a tenth of the bandwidth every tenth of a second: 1,000 bytes at 0, 1,000 at 100 ms, the last 9
      // at 200 ms
      for (const ms of [0, 100]) {
        // the server has written what is due by now, and sleeps until the next tenth
        yield* asleep(1, (at) => at === ms + 100)
        assert.isTrue(Option.isNone(yield* Fiber.poll(request)), `still open at ${ms} ms`)
        yield* TestClock.adjust("100 millis")
      }
      const slow = yield* Fiber.join(request)
      assert.strictEqual(slow.error, undefined)
      assert.strictEqual(slow.body.length, 2009)
      assert.strictEqual(slow.body.length, Number(slow.headers["content-length"]))
    })
  )

  it.live("a seeded server repeats its sequence of faults", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const statuses = (seed: number) =>
          Effect.flatMap(start({ errorRate: 0.5, seed }), (server) =>
            Effect.forEach(Array.from({ length: 20 }), () =>
              Effect.map(rawRequest(server.baseUrl, "/flags/br/br.png"), (r) => r.status)
            )
          )
        const first = yield* statuses(9)
        assert.deepStrictEqual(yield* statuses(9), first)
        assert.include(first, 418)
        assert.include(first, 200)
      })
    )
  )
})
