// The prime pool from the installed package, both ways docs/library.md shows: threads spawned from the
// package's worker entry point resolved by name (effect-flags/prime-worker), and NodePrimePool.layer.
import { Worker } from "node:worker_threads"
import * as NodeWorker from "@effect/platform-node/NodeWorker"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { PrimeFixture, PrimePool } from "effect-flags"
import { NodePrimePool } from "effect-flags/node"

const workers = NodeWorker.layer(() => new Worker(new URL(import.meta.resolve("effect-flags/prime-worker"))))
const answers = Effect.gen(function* () {
  const pool = yield* PrimePool.PrimePool
  return yield* Effect.forEach(
    PrimeFixture.fixture,
    ({ n, prime }) => Effect.map(pool.check(n), (r) => r.prime === prime),
    {
      concurrency: pool.size
    }
  )
})

Effect.runPromise(
  Effect.zip(
    answers.pipe(Effect.provide(PrimePool.layer({ size: 2 }).pipe(Layer.provide(workers)))),
    answers.pipe(Effect.provide(NodePrimePool.layer({ size: 2 })))
  )
).then(([spawned, node]) => {
  if (![...spawned, ...node].every(Boolean)) throw new Error("a prime check disagrees with the book")
  console.log(
    "packed prime pool: the book's 20 answers, from effect-flags/prime-worker and NodePrimePool.layer"
  )
})
