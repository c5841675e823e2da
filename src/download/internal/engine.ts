/**
 * The one download engine under `downloadMany`, `downloadStream` and `downloadUrls`: jobs pulled from an
 * iterable one per free slot, each a request (or two, for flags3's metadata), a save and an outcome.
 *
 * Without a host policy (the flags downloader) N workers pull from the jobs directly. With one, jobs wait
 * in a queue per host and each host gets workers up to its cap, so a host that is slow, full or paused
 * holds only its own jobs while other hosts carry on; the batch's concurrency then bounds the requests in
 * flight, taken after the host's gate (see `HttpGet.get`).
 */
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberSet from "effect/FiberSet"
import * as Mailbox from "effect/Mailbox"
import * as Stream from "effect/Stream"
import type { DiskFull } from "../DownloadErrors.js"
import * as HostPolicy from "../HostPolicy.js"
import { type Outcome, type Summary, summarize } from "../Outcome.js"
import * as Deadlines from "./deadlines.js"
import { type Deps, type EngineConfig, type Job, runJob } from "./job.js"

/** How many at once, how politely, and who hears of each start and outcome. */
export interface RunOptions<E = never> {
  readonly concurrency: number
  readonly policy?: HostPolicy.HostPolicyOptions | undefined
  readonly onStart?: ((id: string) => Effect.Effect<void>) | undefined
  /** Each outcome with the index of its job, as it ends; a failure here (a journal's) ends the batch. */
  readonly emit: (outcome: Outcome, index: number) => Effect.Effect<void, E>
}

type One<R, E> = (job: Job<R>, index: number) => Effect.Effect<void, E, Deps | R>

/**
 * Runs every job with bounded concurrency, telling `emit` each outcome as it ends. A full disk ends the
 * batch at its first job to meet it (`DiskFull`, not emitted): no later job could save either, and the
 * ones in flight are interrupted, their partial files kept for the next run.
 */
export const run = <R, E = never>(
  jobs: Iterable<Job<R>>,
  config: EngineConfig,
  options: RunOptions<E>
): Effect.Effect<void, E | DiskFull, Deps | R> => {
  const concurrency = Math.max(1, options.concurrency)
  const { onStart, emit } = options
  // each job's requests get the batch's gate as a value: its deadlines, and its host policy if any
  const one =
    (gated: EngineConfig): One<R, E | DiskFull> =>
    (job, index) => {
      const outcome = runJob(job, gated)
      return Effect.flatMap(
        onStart === undefined ? outcome : Effect.zipRight(onStart(job.id), outcome),
        (o): Effect.Effect<void, E | DiskFull> =>
          o.error?._tag === "DiskFull" ? Effect.fail(o.error) : emit(o, index)
      )
    }
  const policy = options.policy
  return Effect.scoped(
    Effect.flatMap(Deadlines.make, (deadlines) =>
      HostPolicy.isActive(policy)
        ? policed(jobs, policy, concurrency, (gate) => one({ ...config, gate: { deadlines, ...gate } }))
        : direct(jobs, concurrency, one({ ...config, gate: { deadlines } }))
    )
  )
}

/** N workers pulling jobs in order: the flags downloader's way, with nothing per host to keep. */
const direct = <R, E>(jobs: Iterable<Job<R>>, concurrency: number, one: One<R, E>) => {
  const iterator = jobs[Symbol.iterator]()
  let index = 0
  const worker: Effect.Effect<void, E, Deps | R> = Effect.suspend(() => {
    const next = iterator.next()
    return next.done ? Effect.void : Effect.zipRight(one(next.value, index++), worker)
  })
  return Effect.all(
    Array.from({ length: concurrency }, () => worker),
    { concurrency: "unbounded", discard: true }
  )
}

/** Jobs waiting for a host's worker; at most this many are read ahead of the ones running. */
const lookahead = (concurrency: number) => Math.max(1000, 4 * concurrency)

/** A queue and workers per host; `concurrency` permits for requests in flight across all hosts. */
const policed = <R, E>(
  jobs: Iterable<Job<R>>,
  options: HostPolicy.HostPolicyOptions,
  concurrency: number,
  one: (gate: { readonly policy: HostPolicy.HostPolicy; readonly slots: Effect.Semaphore }) => One<R, E>
) =>
  Effect.scoped(
    Effect.gen(function* () {
      const policy = yield* HostPolicy.make(options)
      const slots = yield* Effect.makeSemaphore(concurrency)
      const perHost = Math.min(options.maxPerHost ?? concurrency, concurrency)
      yield* distribute(jobs, perHost, concurrency, one({ policy, slots }))
    })
  )

interface HostQueue<R> {
  readonly queue: Array<readonly [Job<R>, number]>
  active: number
}

/** Reads the jobs into their hosts' queues (at most `lookahead` ahead), starting workers up to `perHost`. */
const distribute = <R, E>(jobs: Iterable<Job<R>>, perHost: number, concurrency: number, one: One<R, E>) =>
  Effect.gen(function* () {
    const ahead = yield* Effect.makeSemaphore(lookahead(concurrency))
    const workers = yield* FiberSet.make<void, E>()
    const start = yield* FiberSet.runtime(workers)<Deps | R>()
    const hosts = new Map<string, HostQueue<R>>()
    // a worker takes its host's jobs until none is left, then ends
    const work = (host: HostQueue<R>): Effect.Effect<void, E, Deps | R> =>
      Effect.suspend(() => {
        const next = host.queue.shift()
        if (next === undefined) {
          host.active--
          return Effect.void
        }
        return Effect.zipRight(Effect.ensuring(one(next[0], next[1]), ahead.release(1)), work(host))
      })
    let index = 0
    for (const job of jobs) {
      yield* ahead.take(1)
      const key = job.host ?? HostPolicy.hostOf(job.url)
      let host = hosts.get(key)
      if (host === undefined) {
        host = { queue: [], active: 0 }
        hosts.set(key, host)
      }
      host.queue.push([job, index++])
      if (host.active < perHost) {
        host.active++
        start(work(host))
      }
    }
    // every worker has ended; a worker that failed (a journal, a full disk) or died (a defect) ends the
    // batch with it, the others interrupted as the set closes
    yield* Effect.raceFirst(FiberSet.awaitEmpty(workers), FiberSet.join(workers))
    // the last worker to fail empties the set as it fails: its failure is in the set's deferred, and
    // awaitEmpty may have won the race (a full disk was once lost so, and the batch "succeeded")
    if (yield* Deferred.isDone(workers.deferred)) yield* FiberSet.join(workers)
  })

/** Runs every job and collects the outcomes in the jobs' order, with the elapsed time: a `Summary`. */
export const summary = <R>(
  jobs: ReadonlyArray<Job<R>>,
  config: EngineConfig,
  options: Omit<RunOptions, "emit"> & {
    readonly onOutcome?: ((outcome: Outcome) => Effect.Effect<void>) | undefined
  }
): Effect.Effect<Summary, DiskFull, Deps | R> =>
  Effect.gen(function* () {
    const started = yield* Clock.currentTimeMillis
    const outcomes = new Array<Outcome>(jobs.length)
    const onOutcome = options.onOutcome
    yield* run(jobs, config, {
      ...options,
      emit: (outcome, index) => {
        outcomes[index] = outcome
        return onOutcome === undefined ? Effect.void : onOutcome(outcome)
      }
    })
    return summarize(outcomes, Duration.millis((yield* Clock.currentTimeMillis) - started))
  })

/**
 * The outcomes as a `Stream`, in the order the jobs end. Workers feed a `Mailbox`, not
 * `Stream.mapEffect`: its merge machinery allocated ~240 KB per element (measured with the sampling
 * heap profiler), most of the RSS of a 100,000-code run. `jobs` is read lazily, one per free slot.
 */
export const stream = <R>(
  jobs: Iterable<Job<R>>,
  config: EngineConfig,
  options: Omit<RunOptions, "emit">
): Stream.Stream<Outcome, DiskFull, Deps | R> =>
  Stream.unwrapScoped(
    Effect.gen(function* () {
      const outcomes = yield* Mailbox.make<Outcome, DiskFull>(Math.max(1, options.concurrency))
      // the stream ends when the jobs do, and dies with them if a worker dies (a defect, not an outcome)
      yield* Effect.forkScoped(
        Effect.onExit(run(jobs, config, { ...options, emit: (outcome) => outcomes.offer(outcome) }), (exit) =>
          outcomes.done(exit)
        )
      )
      return Mailbox.toStream(outcomes)
    })
  )
