/** The prime pool on Node's worker threads, each running the package's `prime-worker.js`. */
import { createRequire } from "node:module"
import * as NodeWorker from "@effect/platform-node/NodeWorker"
import * as Layer from "effect/Layer"
import * as PrimePool from "../primes/PrimePool.js"

/** The package's worker entry point, next to this module (`dist/lib/node` installed, `dist/` in the bin). */
const workerUrl: URL = new URL("./prime-worker.js", import.meta.url)

// Required as the first thread starts, not as this module loads: the CLI loads this module for every
// runner of `flags spin --work prime`, and only `worker` starts threads. (Not `import()`: the bin runs
// its bundle through `vm.Script`, which has no dynamic-import hook.)
const threads = () =>
  createRequire(import.meta.url)("node:worker_threads") as typeof import("node:worker_threads")

/** The pool on Node's worker threads, each running `url` (default: the package's `prime-worker.js`). */
export const layer = (options: {
  readonly size: number
  readonly url?: URL | string
}): Layer.Layer<PrimePool.PrimePool, PrimePool.PrimePoolError> =>
  PrimePool.layer(options).pipe(
    Layer.provide(NodeWorker.layer(() => new (threads().Worker)(options.url ?? workerUrl)))
  )
