/** Waiting on real I/O in tests whose clock is a TestClock (sockets and files move on real time). */
import { assert } from "@effect/vitest"
import * as Effect from "effect/Effect"

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
