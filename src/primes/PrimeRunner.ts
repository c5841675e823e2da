/**
 * The chapter's three ways to run a CPU-bound check beside a spinner: `blocking` (inside the fiber,
 * never yielding: `spinner_prime_async_broken.py`), `yielding` (`Effect.yieldNow` every few
 * candidates: `spinner_prime_async_nap.py`) and `worker` (in a worker thread of a `PrimePool`: the
 * thread and process versions).
 */
import * as Effect from "effect/Effect"
import * as Scheduler from "effect/Scheduler"
import type { PrimeCheckFailed } from "./PrimeCheck.js"
import { PrimePool } from "./PrimePool.js"
import { isPrime, trial } from "./Primes.js"

/** The name of a runner, as `flags spin --runner` takes it. */
export type Runner = "blocking" | "yielding" | "worker"

/**
 * How many candidates `yielding` tests between yields by default: the book's nap, which sleeps when
 * `i % 100_000 == 1` with i stepping by 2, i.e. every 50,000 odd candidates.
 */
export const defaultYieldEvery = 50_000

/** Checks `n` inside the calling fiber in one step: no other fiber runs until the answer. */
export const blocking = (n: bigint): Effect.Effect<boolean> => Effect.sync(() => isPrime(n))

// `Effect.yieldNow` hands the thread to the fibers that are ready to run. The spinner seldom is: it
// waits for a timer and for stdout's write callback, which only Node's event loop delivers, and the
// default scheduler lets the loop turn once every 2,048 yields in a row (measured on a terminal: one
// frame in half a second). asyncio's `sleep(0)` runs one iteration of its loop; so does a yield on a
// scheduler that resumes the fiber from `setImmediate`, after the loop's I/O and timers.
const eventLoop = Scheduler.makeBatched((run) => setImmediate(run))

/**
 * Lets Node's event loop turn once — its I/O, its timers, its signals (Ctrl-C) — then resumes:
 * asyncio's `await asyncio.sleep(0)`, as `Effect.yieldNow` on a scheduler that resumes from
 * `setImmediate`.
 */
export const nap: Effect.Effect<void> = Effect.withScheduler(Effect.yieldNow(), eventLoop)

/**
 * Checks `n` inside the calling fiber, taking a `nap` after every `every` candidates, so the other
 * fibers, their timers and their I/O run between slices.
 */
export const yielding = (n: bigint, every: number = defaultYieldEvery): Effect.Effect<boolean> =>
  Effect.suspend(() => {
    const check = trial(n)
    const slice: Effect.Effect<boolean> = Effect.suspend(() => {
      const answer = check.advance(every)
      return answer === undefined ? Effect.zipRight(nap, slice) : Effect.succeed(answer)
    })
    return slice
  })

/** Checks `n` in a worker thread of the `PrimePool`; interrupting the check terminates its thread. */
export const worker = (n: bigint): Effect.Effect<boolean, PrimeCheckFailed, PrimePool> =>
  Effect.flatMap(PrimePool, (pool) => Effect.map(pool.check(n), (result) => result.prime))
