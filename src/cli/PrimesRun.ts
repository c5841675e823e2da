/**
 * The `flags primes` run, in the book's procs.py format: a header, one line per number as it
 * finishes (`9999999999999917  P  0.135123s`), then `20 checks in 0.41s`.
 */
import { availableParallelism } from "node:os"
import * as Terminal from "@effect/platform/Terminal"
import * as Clock from "effect/Clock"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Layer from "effect/Layer"
import * as NodePrimePool from "../node/NodePrimePool.js"
import { type PrimeCheckFailed, type PrimeResult, timed } from "../primes/PrimeCheck.js"
import { numbers as bookNumbers } from "../primes/PrimeFixture.js"
import * as PrimePool from "../primes/PrimePool.js"
import { blocking, nap } from "../primes/PrimeRunner.js"

/** Some checks gave no answer; their lines and the total have been printed. */
export class PrimeChecksFailed extends Data.TaggedError("PrimeChecksFailed")<{ readonly failed: number }> {
  override get message() {
    return `${this.failed} check${this.failed === 1 ? "" : "s"} failed`
  }
}

/** One line of the report: the number, `P` if prime, the check's seconds; or why it has no answer. */
export const line = (outcome: Either.Either<PrimeResult, PrimeCheckFailed>): string =>
  Either.match(outcome, {
    onRight: (r) =>
      `${r.n.toString().padStart(16)}  ${r.prime ? "P" : " "} ${Duration.toSeconds(r.elapsed).toFixed(6).padStart(9)}s`,
    onLeft: (e) => `${e.n.toString().padStart(16)}  ! ${e.reason}`
  })

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`

/**
 * Checks `numbers` (default: the book's 20) with `workers` threads (default: the number of cores)
 * pulling from one queue, or in the main fiber with one worker, printing each line as it finishes.
 */
export const runPrimes = (options: {
  readonly numbers: ReadonlyArray<bigint>
  readonly workers?: number | undefined
  /** The pool for `size` threads (default: `NodePrimePool.layer`); tests bring their own workers. */
  readonly pool?: (size: number) => Layer.Layer<PrimePool.PrimePool, PrimePool.PrimePoolError>
}): Effect.Effect<void, PrimeChecksFailed | PrimePool.PrimePoolError, Terminal.Terminal> =>
  Effect.gen(function* () {
    const terminal = yield* Terminal.Terminal
    const println = (text: string) => Effect.ignore(terminal.display(`${text}\n`))
    const numbers = options.numbers.length > 0 ? options.numbers : bookNumbers
    const requested = options.workers ?? availableParallelism()
    const size = Math.min(requested, numbers.length)
    yield* println(
      requested === 1
        ? `Checking ${plural(numbers.length, "number")} in the main fiber:`
        : `Checking ${plural(numbers.length, "number")} with ${plural(size, "worker thread")}:`
    )
    let failed = 0
    const report = (outcome: Either.Either<PrimeResult, PrimeCheckFailed>) => {
      if (Either.isLeft(outcome)) failed++
      return println(line(outcome))
    }
    // as procs.py, the clock includes starting the workers
    const start = yield* Clock.currentTimeNanos
    if (requested === 1) {
      // each check blocks the thread; the nap after it lets a Ctrl-C through (stdout's writes to a
      // pipe or a terminal complete without a turn of the event loop, where signals are delivered)
      yield* Effect.forEach(numbers, (n) =>
        Effect.flatMap(timed(n, blocking(n)), (r) => Effect.zipRight(report(Either.right(r)), nap))
      )
    } else {
      yield* Effect.flatMap(PrimePool.PrimePool, (pool) =>
        Effect.forEach(numbers, (n) => Effect.flatMap(Effect.either(pool.check(n)), report), {
          concurrency: size,
          discard: true
        })
      ).pipe(Effect.provide((options.pool ?? ((size) => NodePrimePool.layer({ size })))(size)))
    }
    const elapsed = Duration.nanos((yield* Clock.currentTimeNanos) - start)
    yield* println(
      `${plural(numbers.length - failed, "check")} in ${Duration.toSeconds(elapsed).toFixed(2)}s` +
        (failed > 0 ? `, ${failed} failed` : "")
    )
    if (failed > 0) return yield* new PrimeChecksFailed({ failed })
  })
