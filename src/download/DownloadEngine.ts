/**
 * The one download engine under `downloadMany`, `downloadStream` and `downloadUrls`, for code that runs
 * their batches its own way: each job can be prepared first (skipped with an outcome, or asked for
 * conditionally) and its body hashed; `Sessions` runs batches so, resuming a journal.
 */
import type * as Effect from "effect/Effect"
import type * as Engine from "./internal/engine.js"
import type * as Job from "./internal/job.js"
import type { Outcome } from "./Outcome.js"

export { run, stream, summary } from "./internal/engine.js"
export type { Deps, EngineConfig, Job, Preparation } from "./internal/job.js"

/** How a batch runs: how many at once, its host policy, who hears of each start and outcome. */
export interface BatchOptions extends Omit<Engine.RunOptions, "emit"> {
  readonly onOutcome?: ((outcome: Outcome) => Effect.Effect<void>) | undefined
}

/** A batch as a downloader describes it: its jobs, how they are saved, and how they run. */
export interface Batch<R> {
  readonly jobs: ReadonlyArray<Job.Job<R>>
  readonly config: Job.EngineConfig
  readonly options: BatchOptions
}
