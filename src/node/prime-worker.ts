/**
 * The prime worker's entry point, run in each thread of a `PrimePool` (shipped as
 * `effect-flags/prime-worker`): answers `CheckPrime` with the book's check, in this thread and without
 * yielding (nothing else runs here), until the pool closes it.
 */

import { threadId } from "node:worker_threads"
import * as WorkerRunner from "@effect/platform/WorkerRunner"
import * as NodeWorkerRunner from "@effect/platform-node/NodeWorkerRunner"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { CheckPrime, PrimeCheckFailed, timed } from "../primes/PrimeCheck.js"
import { isPrime } from "../primes/Primes.js"

const check = (n: bigint) =>
  Effect.try({
    try: () => isPrime(n),
    catch: (cause) => new PrimeCheckFailed({ n, reason: `the check threw: ${String(cause)}` })
  })

const runner = WorkerRunner.layerSerialized(CheckPrime, {
  CheckPrime: ({ n }) => timed(n, check(n), threadId)
}).pipe(Layer.provide(NodeWorkerRunner.layer))

Effect.runFork(WorkerRunner.launch(runner))
