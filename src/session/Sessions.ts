/**
 * A batch run in a session: the journal opened for what the run asks (refused if it was another
 * run's), what a killed run left in dest removed, every item decided from its last entry — done
 * items proved against dest and not requested, the rest run first — and every item journaled as it
 * ends. `downloadMany` and `downloadUrls` run here when given `session`.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { type DestinationError, removeLeftovers } from "../download/FlagFiles.js"
import * as Engine from "../download/internal/engine.js"
import type * as Job from "../download/internal/job.js"
import { type Outcome, type Summary, summarize } from "../download/Outcome.js"
import * as Journal from "./Journal.js"
import type { Entry, EntryInput, Header, NotAJournal } from "./JournalFormat.js"
import * as Resume from "./Resume.js"

/** How a run uses its session (the journal is the context's `Journal`). */
export interface SessionOptions {
  /** Run only the items that ended in error (`--retry-failed`). */
  readonly retryFailed?: boolean | undefined
  /** Ask again for the items not found before (`--recheck-missing`). */
  readonly recheckMissing?: boolean | undefined
  /** Ask again for every done item, with its `ETag` / `Last-Modified` (`--refresh`). */
  readonly refresh?: boolean | undefined
  /**
   * How the journal names the server (default: the base URL): a server whose address changes every
   * run but not its files (the CLI's embedded one) resumes under a name of its own.
   */
  readonly server?: string | undefined
  /** Told what the journal held before anything is requested (the CLI's `resuming` line). */
  readonly onOpen?: ((opened: Opened) => Effect.Effect<void>) | undefined
}

/** A session as a run found it. */
export interface Opened {
  /** Where the journal is. */
  readonly source: string
  /** Whether it was there already: the run resumes it. */
  readonly resumed: boolean
  /** The items journaled before, by their last status. */
  readonly journaled: Readonly<Record<Entry["status"], number>>
  /** Items this run takes up: all of them, or with `retryFailed` the failed ones. */
  readonly items: number
  /** Items `retryFailed` leaves as they are. */
  readonly leftOut: number
  /** Temporary files of a killed run, removed from dest. */
  readonly leftovers: ReadonlyArray<string>
}

/** Why a session could not be run: its journal, or dest. */
export type SessionError = Journal.JournalError | NotAJournal | Journal.SessionMismatch | DestinationError

/**
 * A batch downloader that runs in a session when its options have one: without, it cannot fail and
 * needs no `Journal`; with one, it may fail with a `SessionError` and needs the context's `Journal`.
 */
export interface Runner<In, Config, Options, R> {
  (
    input: In,
    config: Config,
    options: Options & { readonly session?: undefined }
  ): Effect.Effect<Summary, never, R>
  (
    input: In,
    config: Config,
    options: Options & { readonly session: SessionOptions }
  ): Effect.Effect<Summary, SessionError, R | Journal.Journal>
  (input: In, config: Config, options: Options): Effect.Effect<Summary, SessionError, R | Journal.Journal>
}

/**
 * `download` as a `Runner`: it must fail only through its session, and need the `Journal` only with
 * one (which TypeScript cannot check across overloads: the one cast of the two downloaders is here).
 */
export const runner = <In, Config, Options extends { readonly session?: SessionOptions | undefined }, R>(
  download: (
    input: In,
    config: Config,
    options: Options
  ) => Effect.Effect<Summary, SessionError, R | Journal.Journal>
): Runner<In, Config, Options, R> => download as Runner<In, Config, Options, R>

/** Options of `run`: the engine's, and the session's. */
export interface RunOptions extends Omit<Engine.RunOptions, "emit"> {
  readonly onOutcome?: ((outcome: Outcome) => Effect.Effect<void>) | undefined
  readonly session: SessionOptions
}

const resumeOptions = (session: SessionOptions): Resume.ResumeOptions => ({
  retryFailed: session.retryFailed ?? false,
  recheckMissing: session.recheckMissing ?? false,
  refresh: session.refresh ?? false
})

const countStatuses = (previous: ReadonlyMap<string, Entry>) => {
  const counts = { OK: 0, NOT_FOUND: 0, ERROR: 0, SKIPPED: 0, UNCHANGED: 0 }
  for (const entry of previous.values()) counts[entry.status]++
  return counts
}

/** The entry journaling an outcome; none for one resumed (its entry is there already). */
const entryOf = <R>(
  outcome: Outcome,
  mtime: (file: string) => Effect.Effect<number | undefined, never, R>
): Effect.Effect<EntryInput | undefined, never, R> => {
  if (outcome.resumed === true) return Effect.succeed(undefined)
  const { id, status, file } = outcome
  if ((status === "OK" || status === "UNCHANGED") && file !== undefined) {
    return Effect.map(mtime(file), (at) => ({
      id,
      status,
      file,
      size: outcome.size,
      sha256: outcome.sha256,
      etag: outcome.etag,
      lastModified: outcome.lastModified,
      mtime: at
    }))
  }
  if (status === "ERROR") return Effect.succeed({ id, status, error: outcome.error?.message })
  return Effect.succeed({ id, status, file })
}

/**
 * Runs `jobs` in the session of the context's `Journal`, the header's `dest` resolved from
 * `config.dest` and its items the jobs' (with `out` the names `outs` gives). A session keys items by
 * id: a job whose id came before is the same item, and runs once. The summary's outcomes are in the
 * jobs' order, without those `retryFailed` leaves out; a resumed item's outcome says `resumed`. Items
 * without a file to check (new, failed, not found) go first, so the first request does not wait for
 * every done file to be looked at.
 */
export const run = <R>(
  header: Omit<Header, "dest" | "items">,
  allJobs: ReadonlyArray<Job.Job<R>>,
  config: Job.EngineConfig,
  options: RunOptions & { readonly outs?: ((id: string) => string | undefined) | undefined }
): Effect.Effect<Summary, SessionError, Job.Deps | R | Journal.Journal> =>
  Effect.scoped(
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const path = yield* Path.Path
      const journal = yield* Journal.Journal
      const ids = new Set<string>()
      const jobs = allJobs.filter((job) => {
        if (ids.has(job.id)) return false
        ids.add(job.id)
        return true
      })
      const outs = options.outs
      const items = jobs.map((job) => {
        const out = outs?.(job.id)
        return out === undefined ? { id: job.id } : { id: job.id, out }
      })
      const session = yield* journal.open({ ...header, items, dest: path.resolve(config.dest) })
      const leftovers = yield* removeLeftovers(config.dest)
      const resume = resumeOptions(options.session)

      // decided now, without a look at dest: everything but the done items
      const first: Array<number> = []
      const later: Array<number> = []
      const entries = jobs.map((job) => session.previous.get(job.id))
      entries.forEach((entry, i) => {
        if (Resume.needsFile(entry, resume)) later.push(i)
        else {
          const decision = Resume.decide(entry, undefined, resume)
          const leftOut = decision._tag === "LeftOut" || (resume.retryFailed && decision._tag === "NotFound")
          if (!leftOut) first.push(i)
        }
      })
      const order = first.concat(later)
      const onOpen = options.session.onOpen
      if (onOpen !== undefined) {
        yield* onOpen({
          source: journal.source,
          resumed: session.resumed,
          journaled: countStatuses(session.previous),
          items: order.length,
          leftOut: jobs.length - order.length,
          leftovers
        })
      }

      const mtime = (file: string) =>
        Effect.map(Resume.fileState(path.join(config.dest, file)), (disk) =>
          Option.isSome(disk) ? disk.value.mtime : undefined
        ).pipe(Effect.provideService(FileSystem.FileSystem, fs))
      const outcomes = new Array<Outcome | undefined>(jobs.length)
      const onOutcome = options.onOutcome
      const started = yield* Clock.currentTimeMillis
      yield* Engine.run(
        order.map((i) => {
          const journaled = entries[i]
          const job = jobs[i] as Job.Job<R>
          return journaled === undefined ? job : { ...job, journaled }
        }),
        { ...config, resume },
        {
          ...options,
          emit: (outcome, index) => {
            outcomes[order[index] as number] = outcome
            const recorded = Effect.flatMap(entryOf(outcome, mtime), (entry) =>
              entry === undefined ? Effect.void : session.append(entry)
            )
            return onOutcome === undefined ? recorded : Effect.zipRight(recorded, onOutcome(outcome))
          }
        }
      )
      yield* session.flush
      const elapsed = Duration.millis((yield* Clock.currentTimeMillis) - started)
      return summarize(
        outcomes.filter((outcome): outcome is Outcome => outcome !== undefined),
        elapsed
      )
    })
  )
