/**
 * One prime check as a value: the answer with its time on Effect's clock, the typed failure of a
 * check that could not answer, and the request a worker thread serves (typed with `Schema`, so the
 * same classes are encoded on one side of `postMessage` and decoded on the other).
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

/** The answer for one number: whether it is prime, how long the check took, which thread ran it. */
export class PrimeResult extends Schema.Class<PrimeResult>("PrimeResult")({
  n: Schema.BigIntFromSelf,
  prime: Schema.Boolean,
  elapsed: Schema.DurationFromNanos,
  /** The worker thread's id (`worker_threads.threadId`); 0 is the main thread. */
  thread: Schema.Number
}) {}

/** A check that gave no answer (its worker threw, or its thread died): a failure of that number only. */
export class PrimeCheckFailed extends Schema.TaggedError<PrimeCheckFailed>()("PrimeCheckFailed", {
  n: Schema.BigIntFromSelf,
  reason: Schema.String
}) {
  override get message() {
    return `checking ${this.n} failed: ${this.reason}`
  }
}

/** The one request a prime worker serves: check `n`. */
export class CheckPrime extends Schema.TaggedRequest<CheckPrime>()("CheckPrime", {
  failure: PrimeCheckFailed,
  success: PrimeResult,
  payload: { n: Schema.BigIntFromSelf }
}) {}

/** Runs `check` (a runner's answer for `n`) and times it on Effect's clock. */
export const timed = <E, R>(
  n: bigint,
  check: Effect.Effect<boolean, E, R>,
  thread = 0
): Effect.Effect<PrimeResult, E, R> =>
  Effect.gen(function* () {
    const start = yield* Clock.currentTimeNanos
    const prime = yield* check
    const end = yield* Clock.currentTimeNanos
    return new PrimeResult({ n, prime, elapsed: Duration.nanos(end - start), thread })
  })
