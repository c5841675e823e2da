/**
 * The CLI client's pacing of new connections (src/node/internal/connectionPacing.ts): the handshakes a
 * host not known yet may have unfinished, and the window of a host that closes every connection: who
 * gets a slot, and what answers do to it. Times are given, not measured; the requests are fibers holding
 * a slot until told to end.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as ConnectionPacing from "../src/node/internal/connectionPacing.js"

const host = "127.0.0.1:8001:"

/** Every fiber woken meanwhile has run as far as it can. */
const settle = Effect.repeatN(Effect.yieldNow(), 20)

/** `n` requests waiting for a slot of `slots`; each holds it until its gate opens. */
const slotted = (slots: Effect.Semaphore, n: number) =>
  Effect.gen(function* () {
    const inside = { now: 0 }
    const gates = yield* Effect.forEach(Array.from({ length: n }), () => Deferred.make<void>())
    const fibers = yield* Effect.forEach(gates, (gate) =>
      Effect.fork(
        slots.withPermits(1)(
          Effect.zipRight(
            Effect.sync(() => inside.now++),
            Effect.ensuring(
              Deferred.await(gate),
              Effect.sync(() => inside.now--)
            )
          )
        )
      )
    )
    yield* settle
    return { inside, gates, fibers }
  })

/** A host the pacing has learned closes every connection, from one request answered in `took` ms. */
const closingHost = (took: number) =>
  Effect.gen(function* () {
    const pacing = ConnectionPacing.make()
    pacing.unslotted(host, 0)
    pacing.learn(host, { closes: true }, 0)
    yield* pacing.ended(host, took, took, answered)
    const slots = pacing.slots(host, took)
    assert.isDefined(slots)
    return { pacing, slots: slots as Effect.Semaphore }
  })

const answered = { answered: true, slotted: false }
const answeredInSlot = { answered: true, slotted: true }

describe("the pacing of new connections to a host", () => {
  it.effect("a host that keeps connections alive: no window, no bound on handshakes once it says so", () =>
    Effect.gen(function* () {
      const pacing = ConnectionPacing.make()
      pacing.unslotted(host, 0)
      pacing.learn(host, { closes: false }, 0)
      yield* pacing.ended(host, 5, 5, answered)
      assert.isUndefined(pacing.slots(host, 5))
      assert.isUndefined(pacing.window(host, 5))
      const given = yield* pacing.handshake(
        host,
        5,
        () => assert.fail("nothing to wait for"),
        (connected) => Effect.succeed(connected)
      )
      assert.isUndefined(given, "no handshake to give back")
    })
  )

  it.effect(
    "a host not known yet: 6 connects unfinished at first; an established one gives its handshake back, and one more",
    () =>
      Effect.gen(function* () {
        const pacing = ConnectionPacing.make()
        const seen = { inside: 0, full: 0 }
        const gates = yield* Effect.forEach(Array.from({ length: 9 }), () => Deferred.make<void>())
        yield* Effect.forEach(gates, (gate) =>
          Effect.fork(
            // called as the fiber runs, as the client does
            Effect.suspend(() =>
              pacing.handshake(
                host,
                0,
                () => seen.full++,
                (connected) =>
                  Effect.gen(function* () {
                    seen.inside++
                    yield* Deferred.await(gate)
                    connected?.()
                    // still waiting for its answer, no longer for its connection
                    yield* Effect.never
                  })
              )
            )
          )
        )
        yield* settle
        assert.deepStrictEqual(seen, { inside: ConnectionPacing.windows.handshakes, full: 3 })
        yield* Deferred.succeed(gates[0] as Deferred.Deferred<void>, undefined)
        yield* settle
        // its handshake and one more: 7 connects may now be unfinished, beside the one established
        assert.strictEqual(seen.inside, 8)
      })
  )

  it.effect("a host that closes them: at most the window unanswered, the next let in as one ends", () =>
    Effect.gen(function* () {
      // 6, and one more for the 2 ms its quickest answer took (a connection each 2 ms meanwhile)
      const { pacing, slots } = yield* closingHost(2)
      assert.strictEqual(pacing.window(host, 2), 7)
      const { inside, gates } = yield* slotted(slots, 10)
      assert.strictEqual(inside.now, 7)
      yield* Deferred.succeed(gates[0] as Deferred.Deferred<void>, undefined)
      yield* pacing.ended(host, 40, 45, answeredInSlot)
      yield* settle
      assert.strictEqual(pacing.window(host, 45), 7, "a slower answer leaves it")
      assert.strictEqual(inside.now, 7)
    })
  )

  it.effect("connections opened before the host was known to close them hold slots until they end", () =>
    Effect.gen(function* () {
      const pacing = ConnectionPacing.make()
      for (let i = 0; i < 10; i++) pacing.unslotted(host, 0)
      pacing.learn(host, { closes: true }, 1)
      const { inside } = yield* slotted(pacing.slots(host, 1) as Effect.Semaphore, 5)
      assert.strictEqual(inside.now, 0, "10 out, a window of 6: nobody more")
      yield* pacing.ended(host, 2, 5, answered)
      for (let i = 0; i < 3; i++) yield* pacing.ended(host, 40, 40, answered)
      yield* settle
      assert.strictEqual(inside.now, 1, "6 still out of a window of 7")
      for (let i = 0; i < 6; i++) yield* pacing.ended(host, 40, 40, answered)
      yield* settle
      assert.strictEqual(inside.now, 5)
    })
  )

  it.effect(
    "a far host's window lets the gap's rate through its round trip; its quickest answer sets it",
    () =>
      Effect.gen(function* () {
        const { pacing } = yield* closingHost(100)
        assert.strictEqual(pacing.window(host, 100), 6 + 50)
        yield* pacing.ended(host, 300, 400, answeredInSlot)
        assert.strictEqual(pacing.window(host, 400), 56)
        yield* pacing.ended(host, 20, 420, answeredInSlot)
        assert.strictEqual(pacing.window(host, 420), 16)
        // a failure is no answer: it says nothing of the round trip
        yield* pacing.ended(host, 1, 421, { answered: false, slotted: true })
        assert.strictEqual(pacing.window(host, 421), 16)
      })
  )

  it.effect("an interrupted request gives its slot back and moves nothing", () =>
    Effect.gen(function* () {
      const { pacing, slots } = yield* closingHost(2)
      const { inside, fibers } = yield* slotted(slots, 8)
      assert.strictEqual(inside.now, 7)
      yield* Fiber.interrupt(fibers[0] as Fiber.RuntimeFiber<void>)
      yield* pacing.ended(host, undefined, 50, answeredInSlot)
      yield* settle
      assert.strictEqual(inside.now, 7)
      assert.strictEqual(pacing.window(host, 50), 7)
    })
  )
})
