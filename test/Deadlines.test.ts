import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as FiberRef from "effect/FiberRef"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import * as Deadlines from "../src/internal/deadlines.js"
import { currentPhaseTracker } from "../src/RequestPhases.js"

const timeout = (phase: string) => `timed out: ${phase}`

describe("deadlines: one timer for every request", () => {
  it.scoped("a watch that outlasts its timeout fails at exactly the timeout", () =>
    Effect.gen(function* () {
      const deadlines = yield* Deadlines.make
      const fiber = yield* Effect.fork(
        Effect.either(deadlines.watch(Effect.as(Effect.sleep("10 seconds"), "late"), 3100, timeout))
      )
      yield* TestClock.adjust("3099 millis")
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      yield* TestClock.adjust("1 millis")
      const result = yield* Fiber.join(fiber)
      assert.deepStrictEqual(result._tag === "Left" ? result.left : undefined, "timed out: response")
    })
  )

  it.scoped("each phase gets the whole timeout: 2.9 s connecting, then 2.9 s to the answer", () =>
    Effect.gen(function* () {
      const deadlines = yield* Deadlines.make
      const request = Effect.gen(function* () {
        const tracker = yield* FiberRef.get(currentPhaseTracker)
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
      yield* TestClock.adjust("499 millis")
      assert.isTrue(Option.isNone(yield* Fiber.poll(fibers[0] as Fiber.RuntimeFiber<unknown>)))
      yield* TestClock.adjust("1 millis")
      assert.isTrue(Option.isSome(yield* Fiber.poll(fibers[0] as Fiber.RuntimeFiber<unknown>)))
      yield* TestClock.adjust("999 millis")
      assert.isTrue(Option.isNone(yield* Fiber.poll(fibers[1] as Fiber.RuntimeFiber<unknown>)))
      yield* TestClock.adjust("1 millis")
      assert.isTrue(Option.isSome(yield* Fiber.poll(fibers[1] as Fiber.RuntimeFiber<unknown>)))
      yield* TestClock.adjust("10 seconds")
      const results = yield* Effect.forEach(fibers, Fiber.join)
      assert.deepStrictEqual(
        results.map((r) => r._tag),
        ["Left", "Left", "Left", "Left"]
      )
    })
  )
})
