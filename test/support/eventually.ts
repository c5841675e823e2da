/** Waiting on real I/O in tests whose clock is a TestClock (sockets and files move on real time). */
import { assert } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"

/** One real turn of the event loop (a few milliseconds), whatever Effect's clock is. */
export const realTick = Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 2)))

/** Waits (real time, at most ~10 s) until `condition` holds; fails the test otherwise. */
export const eventually = (condition: Effect.Effect<boolean>, what = "condition") =>
  Effect.gen(function* () {
    for (let i = 0; i < 5000; i++) {
      if (yield* condition) return
      yield* realTick
    }
    assert.fail(`${what} never held`)
  })

/**
 * Waits (real time) until at least `n` fibers sleep on the TestClock: a server counts a request in flight
 * before it has read the file and drawn the delay, so a `TestClock.adjust` right after that count could
 * come before the delay's sleep starts, and the sleep would then begin at the adjusted time.
 */
export const asleep = (n = 1) =>
  eventually(
    Effect.map(TestClock.sleeps(), (sleeps) => sleeps.length >= n),
    `${n} sleep${n === 1 ? "" : "s"} on the TestClock`
  )
