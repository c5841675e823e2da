/** `flags spin --work prime`: the prime spinner demo, with a one-thread pool for `--runner worker`. */
import * as Effect from "effect/Effect"
import * as NodePrimePool from "../node/NodePrimePool.js"
import { spinnerNumber } from "../primes/PrimeFixture.js"
import type { Runner } from "../primes/PrimeRunner.js"
import { supervisePrime } from "./PrimeSpinDemo.js"
import type { StopMode } from "./SpinDemo.js"

/** Runs the demo as the command's options ask. */
export const spinPrime = (options: {
  readonly message: string
  readonly mode: StopMode
  readonly runner: Runner
  readonly n: bigint | undefined
  readonly yieldEvery: number | undefined
}) => {
  const demo = { ...options, n: options.n ?? spinnerNumber }
  return demo.runner === "worker"
    ? // the thread starts before the supervisor, so the check's time is the check's alone
      supervisePrime(demo).pipe(Effect.provide(NodePrimePool.layer({ size: 1 })))
    : supervisePrime({ ...demo, runner: demo.runner })
}
