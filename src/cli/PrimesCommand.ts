/**
 * `flags primes`: the book's procs.py, checking large numbers with N workers pulling from one queue, in
 * its format: a header, one line per number as it finishes (`9999999999999917  P  0.135123s`), then
 * `20 checks in 0.41s`.
 */
import { availableParallelism } from "node:os"
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as Terminal from "@effect/platform/Terminal"
import * as Clock from "effect/Clock"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type { PrimeCheckFailed, PrimeResult } from "../primes/PrimeCheck.js"
import type { PrimePool, PrimePoolError } from "../primes/PrimePool.js"
import { parseNumber } from "./NumberArgs.js"
import { announced } from "./RunningCommand.js"
import { between } from "./Validation.js"

/** The most worker threads `-w` starts. */
export const maxWorkers = 64

const numbers = Args.text({ name: "NUMBER" }).pipe(
  Args.withDescription(
    "Whole numbers up to 2^64 − 1 (5_000_111_000_222_021 is fine). Default: the book's 20."
  ),
  Args.repeated,
  Args.mapEffect((texts) =>
    Effect.forEach(texts, (text) =>
      Either.mapLeft(parseNumber(text, "NUMBER"), (message) => HelpDoc.p(message))
    )
  )
)

const workers = Options.integer("workers").pipe(
  Options.withAlias("w"),
  Options.withDescription(
    `Worker threads, at most ${maxWorkers} (default: the number of cores); 1 checks in the main fiber.`
  ),
  between("workers", 1, maxWorkers),
  Options.optional,
  Options.map(Option.getOrUndefined)
)

/** Some checks gave no answer; their lines and the total have been printed. */
export class PrimeChecksFailed extends Data.TaggedError("PrimeChecksFailed")<{ readonly failed: number }> {
  override get message() {
    return `${this.failed} check${this.failed === 1 ? "" : "s"} failed`
  }
}

// one line of the report: the number, `P` if prime, the check's seconds; or why it has no answer
const line = (outcome: Either.Either<PrimeResult, PrimeCheckFailed>): string =>
  Either.match(outcome, {
    onRight: (r) =>
      `${r.n.toString().padStart(16)}  ${r.prime ? "P" : " "} ${Duration.toSeconds(r.elapsed).toFixed(6).padStart(9)}s`,
    onLeft: (e) => `${e.n.toString().padStart(16)}  ! ${e.reason}`
  })

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`

/**
 * Checks `numbers` (default: the book's 20) with `workers` threads (default: the number of cores)
 * pulling from one queue, or in the main fiber with one worker, printing each line as it finishes: the
 * command's handler, with the pool open to tests.
 */
export const runPrimes = (options: {
  readonly numbers: ReadonlyArray<bigint>
  readonly workers?: number | undefined
  /** The pool for `size` threads (default: `NodePrimePool.layer`); tests bring their own workers. */
  readonly pool?: (size: number) => Layer.Layer<PrimePool, PrimePoolError>
}): Effect.Effect<void, PrimeChecksFailed | PrimePoolError, Terminal.Terminal> =>
  Effect.gen(function* () {
    // the checks, the pool and its worker threads are loaded by this command only, not by every start
    const [{ timed }, { numbers: bookNumbers }, Pool, { blocking, nap }, NodePrimePool] =
      yield* Effect.promise(() =>
        Promise.all([
          import("../primes/PrimeCheck.js"),
          import("../primes/PrimeFixture.js"),
          import("../primes/PrimePool.js"),
          import("../primes/PrimeRunner.js"),
          import("../node/NodePrimePool.js")
        ])
      )
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
      yield* Effect.flatMap(Pool.PrimePool, (pool) =>
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

/** The `primes` subcommand. */
export const primesCommand = Command.make("primes", { workers, numbers }, runPrimes).pipe(
  Command.withDescription("Check large numbers for primality with N worker threads (the book's procs.py)."),
  announced({ name: "primes", endsOnSignal: false })
)
