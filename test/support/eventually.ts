/** Waiting on real I/O in tests whose clock is a TestClock (sockets, files and threads move on real time). */
import * as Chunk from "effect/Chunk"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"

/** One real turn of the event loop (a few milliseconds), whatever Effect's clock is. */
export const realTick = Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 2)))

/**
 * Waits (real time, as long as it takes) until `condition` holds. No cap of its own: a machine busy
 * with other work may take many times longer than an idle one, and vitest's test timeout is the guard
 * against a condition that never holds. Interrupted (as when that timeout ends the test), it prints
 * what it was still waiting for.
 */
export const eventually = (condition: Effect.Effect<boolean>, what = "condition") =>
  Effect.gen(function* () {
    let polls = 0
    return yield* Effect.gen(function* () {
      for (;;) {
        if (yield* condition) return
        polls++
        yield* realTick
      }
    }).pipe(
      Effect.onInterrupt(() => Console.error(`eventually: still waiting for ${what} after ${polls} polls`))
    )
  })

/**
 * Waits (real time) until at least `n` fibers sleep on the TestClock — with `due`, only those due at a
 * Clock time it accepts: a server counts a request in flight before it has read the file and drawn
 * the delay, so a `TestClock.adjust` right after that count could come before the delay's sleep
 * starts, and the sleep would then begin at the adjusted time.
 */
export const asleep = (n = 1, due?: (at: number) => boolean) =>
  eventually(
    Effect.map(
      TestClock.sleeps(),
      (sleeps) => Chunk.size(due === undefined ? sleeps : Chunk.filter(sleeps, due)) >= n
    ),
    `${n} sleep${n === 1 ? "" : "s"} on the TestClock${due === undefined ? "" : " due when asked"}`
  )
