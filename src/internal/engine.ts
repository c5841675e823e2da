/**
 * The one download engine under `downloadMany`, `downloadStream` and `downloadUrls`: jobs pulled from an
 * iterable one per free slot, each a request (or two, for flags3's metadata), a save and an outcome.
 *
 * Without a host policy (the flags downloader) N workers pull from the jobs directly. With one, jobs wait
 * in a queue per host and each host gets workers up to its cap, so a host that is slow, full or paused
 * holds only its own jobs while other hosts carry on; the batch's concurrency then bounds the requests in
 * flight, taken after the host's gate (see `FlagClient.get`).
 */
import * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Path from "@effect/platform/Path"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberSet from "effect/FiberSet"
import * as Mailbox from "effect/Mailbox"
import * as Metric from "effect/Metric"
import * as Stream from "effect/Stream"
import type { DownloadError } from "../DownloadErrors.js"
import * as DownloadMetrics from "../DownloadMetrics.js"
import * as FlagClient from "../FlagClient.js"
import { type OnExists, saveFile } from "../FlagFiles.js"
import * as HostPolicy from "../HostPolicy.js"
import { type Outcome, type Summary, summarize } from "../Outcome.js"
import { currentHostPolicy, currentRequestSlots } from "./batchContext.js"
import type { Expected } from "./contentTypes.js"
import { sharingDeadlines } from "./deadlines.js"
import { withSpanWhenTraced } from "./spans.js"

/** One download: where its body is, and the name its file gets in dest. */
export interface Job<R = never> {
  readonly id: string
  readonly url: string
  readonly expected: Expected
  /** The file's name; an effect when finding it takes requests of its own (flags3's metadata). */
  readonly name: string | Effect.Effect<string, DownloadError, R>
  /** The span it runs in when a tracer is on. */
  readonly span: { readonly name: string; readonly attributes: Record<string, unknown> }
}

/** How the engine downloads and saves. */
export interface EngineConfig extends FlagClient.RequestOptions {
  readonly dest: string
  readonly onExists: OnExists
}

/** How many at once, how politely, and who hears of each start and outcome. */
export interface RunOptions {
  readonly concurrency: number
  readonly policy?: HostPolicy.HostPolicyOptions | undefined
  readonly onStart?: ((id: string) => Effect.Effect<void>) | undefined
  /** Each outcome with the index of its job, as it ends. */
  readonly emit: (outcome: Outcome, index: number) => Effect.Effect<void>
}

/** What the engine needs from the platform. */
export type Deps = HttpClient.HttpClient | FileSystem.FileSystem | Path.Path

/** `name` with `-1`, `-2`, … before its extension: `index.html` → `index-1.html`. */
export const numbered = (name: string, n: number): string => {
  const dot = name.lastIndexOf(".")
  return dot <= 0 ? `${name}-${n}` : `${name.slice(0, dot)}-${n}${name.slice(dot)}`
}

const saved = (id: string, file: string): Outcome => ({ id, status: "OK", file })

/** Downloads one job and saves it, counted by the downloader's metrics; never fails: a failure is an outcome. */
export const runJob = <R>(job: Job<R>, config: EngineConfig): Effect.Effect<Outcome, never, Deps | R> =>
  runJobUntraced(job, config).pipe(
    Effect.tap((outcome) => Metric.increment(DownloadMetrics.downloadsByStatus[outcome.status])),
    Metric.trackDurationWith(DownloadMetrics.downloadDuration, Duration.toMillis),
    withSpanWhenTraced(job.span.name, job.span.attributes)
  )

const runJobUntraced = <R>(job: Job<R>, config: EngineConfig): Effect.Effect<Outcome, never, Deps | R> => {
  const id = job.id
  const fetch = (name: string) =>
    Effect.map(FlagClient.get(job.url, config, job.expected), (body) => [body, name] as const)
  const fetched = typeof job.name === "string" ? fetch(job.name) : Effect.flatMap(job.name, fetch)
  const save = ([body, name]: readonly [Uint8Array, string]) =>
    config.onExists === "rename"
      ? Effect.flatMap(freeName(config.dest, name), (free) =>
          Effect.as(saveFile(config.dest, free, body), saved(id, free))
        )
      : Effect.as(saveFile(config.dest, name, body), saved(id, name))
  const download = fetched.pipe(FlagClient.withinMaxTime(job.url, config), Effect.flatMap(save))
  const skipping =
    config.onExists === "skip" && typeof job.name === "string"
      ? Effect.flatMap(exists(config.dest, job.name), (present) =>
          present ? Effect.succeed<Outcome>({ id, status: "SKIPPED", file: job.name as string }) : download
        )
      : download
  return Effect.catchAll(skipping, (error) =>
    Effect.succeed<Outcome>({ id, status: error._tag === "FlagNotFound" ? "NOT_FOUND" : "ERROR", error })
  )
}

const exists = (dest: string, name: string) =>
  Effect.flatMap(FileSystem.FileSystem, (fs) =>
    Effect.flatMap(Path.Path, (path) =>
      fs.exists(path.join(dest, name)).pipe(Effect.orElseSucceed(() => false))
    )
  )

/** `name`, or the first of `name-1`, `name-2`, … that dest does not have yet. */
const freeName = (dest: string, name: string) => {
  const from = (n: number): Effect.Effect<string, never, FileSystem.FileSystem | Path.Path> => {
    const candidate = n === 0 ? name : numbered(name, n)
    return Effect.flatMap(exists(dest, candidate), (taken) =>
      taken ? from(n + 1) : Effect.succeed(candidate)
    )
  }
  return from(0)
}

/** Runs every job with bounded concurrency, telling `emit` each outcome as it ends. */
export const run = <R>(
  jobs: Iterable<Job<R>>,
  config: EngineConfig,
  options: RunOptions
): Effect.Effect<void, never, Deps | R> => {
  const concurrency = Math.max(1, options.concurrency)
  const { onStart, emit } = options
  const one = (job: Job<R>, index: number) => {
    const outcome = runJob(job, config)
    return Effect.flatMap(onStart === undefined ? outcome : Effect.zipRight(onStart(job.id), outcome), (o) =>
      emit(o, index)
    )
  }
  const policy = options.policy
  return sharingDeadlines(
    HostPolicy.isActive(policy) ? policed(jobs, policy, concurrency, one) : direct(jobs, concurrency, one)
  )
}

/** N workers pulling jobs in order: the flags downloader's way, with nothing per host to keep. */
const direct = <R>(
  jobs: Iterable<Job<R>>,
  concurrency: number,
  one: (job: Job<R>, index: number) => Effect.Effect<void, never, Deps | R>
) => {
  const iterator = jobs[Symbol.iterator]()
  let index = 0
  const worker: Effect.Effect<void, never, Deps | R> = Effect.suspend(() => {
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
const policed = <R>(
  jobs: Iterable<Job<R>>,
  options: HostPolicy.HostPolicyOptions,
  concurrency: number,
  one: (job: Job<R>, index: number) => Effect.Effect<void, never, Deps | R>
) =>
  Effect.scoped(
    Effect.gen(function* () {
      const policy = yield* HostPolicy.make(options)
      const slots = yield* Effect.makeSemaphore(concurrency)
      // the policy and the request slots reach `FlagClient.get` through FiberRefs, in this batch only
      yield* distribute(
        jobs,
        Math.min(options.maxPerHost ?? concurrency, concurrency),
        concurrency,
        one
      ).pipe(Effect.locally(currentHostPolicy, policy), Effect.locally(currentRequestSlots, slots))
    })
  )

interface HostQueue<R> {
  readonly queue: Array<readonly [Job<R>, number]>
  active: number
}

/** Reads the jobs into their hosts' queues (at most `lookahead` ahead), starting workers up to `perHost`. */
const distribute = <R>(
  jobs: Iterable<Job<R>>,
  perHost: number,
  concurrency: number,
  one: (job: Job<R>, index: number) => Effect.Effect<void, never, Deps | R>
) =>
  Effect.gen(function* () {
    const ahead = yield* Effect.makeSemaphore(lookahead(concurrency))
    const workers = yield* FiberSet.make<void, never>()
    const start = yield* FiberSet.runtime(workers)<Deps | R>()
    const hosts = new Map<string, HostQueue<R>>()
    // a worker takes its host's jobs until none is left, then ends
    const work = (host: HostQueue<R>): Effect.Effect<void, never, Deps | R> =>
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
      const key = HostPolicy.hostOf(job.url)
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
    // every worker has ended; a worker that died (a defect, not an outcome) ends the batch with it
    yield* Effect.raceFirst(FiberSet.awaitEmpty(workers), FiberSet.join(workers))
  })

/** Runs every job and collects the outcomes in the jobs' order, with the elapsed time: a `Summary`. */
export const summary = <R>(
  jobs: ReadonlyArray<Job<R>>,
  config: EngineConfig,
  options: Omit<RunOptions, "emit"> & {
    readonly onOutcome?: ((outcome: Outcome) => Effect.Effect<void>) | undefined
  }
): Effect.Effect<Summary, never, Deps | R> =>
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
): Stream.Stream<Outcome, never, Deps | R> =>
  Stream.unwrapScoped(
    Effect.gen(function* () {
      const outcomes = yield* Mailbox.make<Outcome>(Math.max(1, options.concurrency))
      // the stream ends when the jobs do, and dies with them if a worker dies (a defect, not an outcome)
      yield* Effect.forkScoped(
        Effect.onExit(run(jobs, config, { ...options, emit: (outcome) => outcomes.offer(outcome) }), (exit) =>
          outcomes.done(exit)
        )
      )
      return Mailbox.toStream(outcomes)
    })
  )
