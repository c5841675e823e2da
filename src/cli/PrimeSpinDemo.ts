/**
 * The book's prime spinners: the supervisor beside `is_prime(5_000_111_000_222_021)` instead of a
 * sleep, with one of the three runners — `blocking` (`spinner_prime_async_broken.py`: no frame until
 * the answer), `yielding` (`spinner_prime_async_nap.py`) or `worker` (`spinner_prime_thread.py` /
 * `_proc.py`, in a worker thread).
 */
import * as Terminal from "@effect/platform/Terminal"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { type PrimeCheckFailed, type PrimeResult, timed } from "../primes/PrimeCheck.js"
import { spinnerNumber } from "../primes/PrimeFixture.js"
import type { PrimePool } from "../primes/PrimePool.js"
import * as PrimeRunner from "../primes/PrimeRunner.js"
import { type SuperviseOptions, superviseWith } from "./SpinDemo.js"

/** Options of the prime spinner demo. */
export interface PrimeSpinOptions extends SuperviseOptions {
  readonly n: bigint
  readonly runner: PrimeRunner.Runner
  /** For `yielding`: candidates tested between yields (default `PrimeRunner.defaultYieldEvery`). */
  readonly yieldEvery?: number | undefined
}

/** The book's demo: `thinking!` beside the spinner number, stopped by interruption, in a worker. */
export const defaultPrimeSpinOptions: PrimeSpinOptions = {
  message: "thinking!",
  mode: "interrupt",
  n: spinnerNumber,
  runner: "worker"
}

/** Digits in groups of three, as Python's `f"{n:,}"`: `5,000,111,000,222,021`. */
export const groupDigits = (n: bigint): string => n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",")

const seconds = (result: PrimeResult) => `${Duration.toSeconds(result.elapsed).toFixed(3)}s`

/**
 * Runs the check of `options.n` with a spinner beside it, prints the book's result line
 * (`5,000,111,000,222,021 is prime`) and how long the check took — for `yielding`, beside the same
 * check without yielding and without the spinner, the cost of yielding — and returns the answer.
 */
export function supervisePrime(
  options: PrimeSpinOptions & { readonly runner: "blocking" | "yielding" }
): Effect.Effect<boolean, never, Terminal.Terminal>
export function supervisePrime(
  options: PrimeSpinOptions
): Effect.Effect<boolean, PrimeCheckFailed, Terminal.Terminal | PrimePool>
export function supervisePrime(
  options: PrimeSpinOptions
): Effect.Effect<boolean, PrimeCheckFailed, Terminal.Terminal | PrimePool> {
  const { n, runner } = options
  const every = options.yieldEvery ?? PrimeRunner.defaultYieldEvery
  return Effect.gen(function* () {
    const terminal = yield* Terminal.Terminal
    const println = (line: string) => Effect.ignore(terminal.display(`${line}\n`))
    const check =
      runner === "blocking"
        ? PrimeRunner.blocking(n)
        : runner === "yielding"
          ? PrimeRunner.yielding(n, every)
          : PrimeRunner.worker(n)
    const result = yield* superviseWith(options, timed(n, check))
    yield* println(`${groupDigits(n)} ${result.prime ? "is" : "is not"} prime`)
    if (runner === "yielding") {
      const plain = yield* timed(n, PrimeRunner.blocking(n))
      const cost =
        (Duration.toMillis(result.elapsed) / Math.max(Duration.toMillis(plain.elapsed), 1e-3) - 1) * 100
      yield* println(
        `checked in ${seconds(result)} in the main fiber, yielding every ${groupDigits(BigInt(every))} candidates; ` +
          `${seconds(plain)} without yielding (${cost >= 0 ? "+" : ""}${cost.toFixed(0)}%)`
      )
    } else {
      yield* println(
        `checked in ${seconds(result)} ${runner === "blocking" ? "in the main fiber, without yielding" : "in a worker thread"}`
      )
    }
    return result.prime
  })
}
