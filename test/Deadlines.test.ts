import * as Net from "node:net"
import { assert, describe, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import * as Deadlines from "../src/download/internal/deadlines.js"
import { currentTracker } from "../src/download/RequestPhases.js"
import { realTick } from "./support/eventually.js"

const timeout = (phase: string) => `timed out: ${phase}`

/**
 * Real turns of the event loop, more than the sweeper takes (two hops through timers) between finding a
 * deadline come and expiring it: a watch not expired after them was not due.
 */
const turns = Effect.zipRight(realTick, realTick)

/** The failure a forked `Effect.either(watch(...))` ended with. */
const failureOf = <A>(fiber: Fiber.Fiber<Either.Either<A, string>>) =>
  Effect.map(Fiber.join(fiber), (result) => (Either.isLeft(result) ? result.left : undefined))

/**
 * A Clock that moves when told and wakes its sleepers in that same turn of the event loop, as a starved
 * process's timers fire before its sockets are read (TestClock lets the event loop turn before it moves).
 */
const steppedClock = () => {
  let now = 0
  let sleepers: Array<{ readonly at: number; readonly wake: () => void }> = []
  const nanos = () => BigInt(now) * 1_000_000n
  const clock: Clock.Clock = {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: () => now,
    currentTimeMillis: Effect.sync(() => now),
    unsafeCurrentTimeNanos: nanos,
    currentTimeNanos: Effect.sync(nanos),
    sleep: (duration) =>
      Effect.async<void>((resume) => {
        const sleeper = { at: now + Duration.toMillis(duration), wake: () => resume(Effect.void) }
        sleepers.push(sleeper)
        return Effect.sync(() => {
          sleepers = sleepers.filter((other) => other !== sleeper)
        })
      })
  }
  const advance = (ms: number) => {
    now += ms
    const due = sleepers.filter((sleeper) => sleeper.at <= now)
    sleepers = sleepers.filter((sleeper) => sleeper.at > now)
    for (const sleeper of due) sleeper.wake()
  }
  return { clock, advance }
}

/** Both ends of a loopback connection, for the scope's life. */
const loopback = Effect.acquireRelease(
  Effect.async<{ readonly client: Net.Socket; readonly server: Net.Socket; readonly listener: Net.Server }>(
    (resume) => {
      const listener = Net.createServer((server) => resume(Effect.succeed({ client, server, listener })))
      let client: Net.Socket
      listener.listen(0, "127.0.0.1", () => {
        client = Net.connect((listener.address() as Net.AddressInfo).port, "127.0.0.1")
      })
    }
  ),
  ({ client, server, listener }) =>
    Effect.sync(() => {
      client.destroy()
      server.destroy()
      listener.close()
    })
)

/**
 * A request's body as a client reads it: `length` bytes from `socket`, each chunk telling the tracker and
 * then `onChunk` (in Node's poll phase, as the CLI's client does); told to stop, it fails.
 */
const bodyFrom = (socket: Net.Socket, length: number, onChunk: () => void) =>
  Effect.flatMap(currentTracker, (tracker) =>
    Effect.async<string, string>((resume) => {
      tracker?.enter("body")
      tracker?.onTimeout(() => resume(Effect.fail("stopped")))
      let text = ""
      socket.on("data", (chunk: Buffer) => {
        text += chunk.toString()
        tracker?.progress()
        onChunk()
        if (text.length >= length) resume(Effect.succeed(text))
      })
    })
  )

describe("deadlines: one timer for every request", () => {
  it.scoped("a watch that outlasts its timeout fails at exactly the timeout", () =>
    Effect.gen(function* () {
      const deadlines = yield* Deadlines.make
      const fiber = yield* Effect.fork(
        Effect.either(deadlines.watch(Effect.as(Effect.sleep("10 seconds"), "late"), 3100, timeout))
      )
      yield* TestClock.adjust("3099 millis")
      yield* turns
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      // the clock stays at 3100 ms while the sweeper lets the event loop turn: it expires at 3100 ms
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(yield* failureOf(fiber), "timed out: response")
    })
  )

  it.scoped("each phase gets the whole timeout: 2.9 s connecting, then 2.9 s to the answer", () =>
    Effect.gen(function* () {
      const deadlines = yield* Deadlines.make
      const request = Effect.gen(function* () {
        const tracker = yield* currentTracker
        tracker?.enter("connect")
        yield* Effect.sleep("2900 millis")
        tracker?.enter("response")
        yield* Effect.sleep("2900 millis")
        return "answer"
      })
      const fiber = yield* Effect.fork(deadlines.watch(request, 3100, timeout))
      yield* TestClock.adjust("5800 millis")
      assert.strictEqual(yield* Fiber.join(fiber), "answer")
    })
  )

  for (const inPlace of [false, true]) {
    it.scoped(
      `a wait in the client's queue is no phase: 10 s queued, then the next phase gets its whole timeout${inPlace ? " (in place)" : ""}`,
      () =>
        Effect.gen(function* () {
          const deadlines = yield* Deadlines.make
          const request = Effect.gen(function* () {
            const tracker = yield* currentTracker
            // in place, a client stops its own wait when told, as the CLI's does
            const stopped = yield* Deferred.make<never, string>()
            tracker?.onTimeout(() => Deferred.unsafeDone(stopped, Effect.fail("stopped")))
            tracker?.queue()
            yield* Effect.sleep("10 seconds")
            tracker?.enter("connect")
            return yield* Deferred.await(stopped)
          })
          const fiber = yield* Effect.fork(
            Effect.either(deadlines.watch(request, 3100, timeout, { inPlace }))
          )
          yield* TestClock.adjust("10 seconds")
          yield* TestClock.adjust("3099 millis")
          yield* turns
          assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)), "13.099 s in, 3.099 s of it connecting")
          yield* TestClock.adjust("1 millis")
          assert.strictEqual(yield* failureOf(fiber), "timed out: connect")
        })
    )
  }

  it.scoped("many watches, staggered, each fails at its own deadline; finished ones never fire", () =>
    Effect.gen(function* () {
      const deadlines = yield* Deadlines.make
      const fibers = yield* Effect.forEach([0, 1, 2, 3], (i) =>
        Effect.fork(
          Effect.zipRight(
            Effect.sleep(`${i * 1000} millis`),
            Effect.either(deadlines.watch(Effect.sleep(i === 2 ? "1 second" : "1 hour"), 500, timeout))
          )
        )
      )
      const first = fibers[0] as (typeof fibers)[number]
      const second = fibers[1] as (typeof fibers)[number]
      yield* TestClock.adjust("499 millis")
      yield* turns
      assert.isTrue(Option.isNone(yield* Fiber.poll(first)))
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(yield* failureOf(first), "timed out: response", "at 500 ms")
      yield* TestClock.adjust("999 millis")
      yield* turns
      assert.isTrue(Option.isNone(yield* Fiber.poll(second)))
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(yield* failureOf(second), "timed out: response", "at 1500 ms")
      yield* TestClock.adjust("10 seconds")
      const results = yield* Effect.forEach(fibers, Fiber.join)
      assert.deepStrictEqual(
        results.map((r) => r._tag),
        ["Left", "Left", "Left", "Left"]
      )
    })
  )

  for (const inPlace of [false, true]) {
    const path = inPlace ? "in the caller's fiber" : "in a fiber of its own"
    it.scoped(`bytes received when a deadline comes restart it before it can expire (${path})`, () => {
      const { clock, advance } = steppedClock()
      return Effect.gen(function* () {
        const deadlines = yield* Deadlines.make
        const { client, server } = yield* loopback
        let onChunk: (() => void) | undefined
        const fiber = yield* Effect.fork(
          Effect.either(
            deadlines.watch(
              bodyFrom(client, 4, () => onChunk?.()),
              1000,
              timeout,
              { inPlace }
            )
          )
        )
        yield* Effect.async<void>((resume) => {
          onChunk = () => {
            onChunk = undefined
            resume(Effect.void)
          }
          server.write("ab")
        })
        // in Node's poll phase, the first bytes just read: the rest leaves the server for the client's
        // socket, where it waits unread, and the deadline comes (the sweep runs in this phase too)
        yield* Effect.sync(() => {
          server.write("cd")
          assert.strictEqual(server.writableLength, 0, "the rest is in the kernel")
          advance(1000)
        })
        assert.deepStrictEqual(yield* Fiber.join(fiber), Either.right("abcd"))
      }).pipe(Effect.withClock(clock))
    })
  }
})
