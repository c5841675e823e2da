/**
 * A batch run in a session: the journal opened for what the run asks (refused if it was another
 * run's), what a killed run left in dest removed, every item decided from its last entry — done
 * items proved against dest and not requested, the rest run first — and every item journaled as it
 * ends. `downloadMany` and `downloadUrls` here are the downloaders' in a session.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Path from "@effect/platform/Path"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { type DestinationError, removeLeftovers } from "../download/Destination.js"
import * as DownloadEngine from "../download/DownloadEngine.js"
import { type DiskFull, FlagNotFound } from "../download/DownloadErrors.js"
import * as Downloader from "../download/Downloader.js"
import type * as FileTransfer from "../download/FileTransfer.js"
import { type Outcome, type Saved, type Summary, summarize } from "../download/Outcome.js"
import * as UrlDownloads from "../download/UrlDownloads.js"
import type { UrlItem } from "../download/UrlList.js"
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
  /** Bytes the `PARTIAL` items have kept in dest, as journaled: what a resume need not ask for again. */
  readonly kept: number
  /** Items this run takes up: all of them, or with `retryFailed` the failed ones. */
  readonly items: number
  /** Items `retryFailed` leaves as they are. */
  readonly leftOut: number
  /** Temporary files of a killed run, removed from dest. */
  readonly leftovers: ReadonlyArray<string>
}

/** Why a session could not be run: its journal, or dest. */
export type SessionError =
  | Journal.JournalError
  | NotAJournal
  | Journal.SessionMismatch
  | DestinationError
  | DiskFull

/** A batch's options with the session it runs in. */
export type InSession<Options> = Options & { readonly session: SessionOptions }

const resumeOptions = (session: SessionOptions): Resume.ResumeOptions => ({
  retryFailed: session.retryFailed ?? false,
  recheckMissing: session.recheckMissing ?? false,
  refresh: session.refresh ?? false
})

const countStatuses = (previous: ReadonlyMap<string, Entry>) => {
  const counts = { OK: 0, NOT_FOUND: 0, ERROR: 0, SKIPPED: 0, UNCHANGED: 0, PARTIAL: 0 }
  for (const entry of previous.values()) counts[entry.status]++
  return counts
}

const keptBytes = (previous: ReadonlyMap<string, Entry>) => {
  let bytes = 0
  for (const entry of previous.values()) if (entry.status === "PARTIAL") bytes += entry.size ?? 0
  return bytes
}

/** The entry of a partial download kept in dest, as it goes and when it stops short. */
const keptEntry = (id: string, kept: FileTransfer.Kept): EntryInput => ({
  id,
  status: "PARTIAL",
  file: kept.file,
  size: kept.bytes,
  etag: kept.etag,
  lastModified: kept.lastModified
})

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
      mtime: at,
      checksum: outcome.checksum
    }))
  }
  if (status === "ERROR") return Effect.succeed({ id, status, error: outcome.error?.message })
  return Effect.succeed({ id, status, file })
}

/** A done item as the journal proved it. */
const resumedOutcome = (entry: Entry): Saved => ({
  id: entry.id,
  status: "OK",
  // a done entry is a proven one (`Resume.isProven`): it has its file
  file: entry.file ?? "",
  size: entry.size,
  sha256: entry.sha256,
  etag: entry.etag,
  lastModified: entry.lastModified,
  resumed: true
})

/** What the engine makes of a job the journal decided. */
const preparation = (
  job: { readonly id: string; readonly url: string },
  decision: Resume.Decision
): DownloadEngine.Preparation => {
  switch (decision._tag) {
    case "Done":
      return { _tag: "Skip", outcome: resumedOutcome(decision.entry) }
    case "NotFound":
      return {
        _tag: "Skip",
        outcome: { id: job.id, status: "NOT_FOUND", resumed: true, error: new FlagNotFound({ url: job.url }) }
      }
    case "Revalidate": {
      const { entry, headers } = decision
      return { _tag: "Conditional", headers, saved: { ...resumedOutcome(entry), resumed: undefined } }
    }
    default:
      return { _tag: "Fresh" }
  }
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
  batch: DownloadEngine.Batch<R>,
  session: SessionOptions,
  outs?: ((id: string) => string | undefined) | undefined
): Effect.Effect<Summary, SessionError, DownloadEngine.Deps | R | Journal.Journal> =>
  Effect.scoped(
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const path = yield* Path.Path
      const journal = yield* Journal.Journal
      const ids = new Set<string>()
      const { config, options } = batch
      const jobs = batch.jobs.filter((job) => {
        if (ids.has(job.id)) return false
        ids.add(job.id)
        return true
      })
      const items = jobs.map((job) => {
        const out = outs?.(job.id)
        return out === undefined ? { id: job.id } : { id: job.id, out }
      })
      const opened = yield* journal.open({ ...header, items, dest: path.resolve(config.dest) })
      const leftovers = yield* removeLeftovers(config.dest)
      const resume = resumeOptions(session)

      const { order, leftOut } = Resume.plan(
        jobs.map((job) => opened.previous.get(job.id)),
        resume
      )
      const onOpen = session.onOpen
      if (onOpen !== undefined) {
        yield* onOpen({
          source: journal.source,
          resumed: opened.resumed,
          journaled: countStatuses(opened.previous),
          kept: keptBytes(opened.previous),
          items: order.length,
          leftOut,
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
      const prepare = (job: { readonly id: string; readonly url: string }) =>
        Effect.map(Resume.check(opened.previous.get(job.id), resume, config.dest), (decision) =>
          preparation(job, decision)
        )
      // a body streamed to disk journals what it keeps as it comes; a journal that cannot be written
      // stops the run at the item's outcome, which is appended the same way
      const toDisk =
        config.toDisk === undefined
          ? undefined
          : {
              ...config.toDisk,
              onKept: (id: string, kept: FileTransfer.Kept) =>
                Effect.zipRight(
                  Effect.ignore(opened.append(keptEntry(id, kept))),
                  config.toDisk?.onKept?.(id, kept) ?? Effect.void
                )
            }
      yield* DownloadEngine.run(
        order.map((i) => jobs[i] as DownloadEngine.Job<R>),
        { ...config, hash: true, prepare, toDisk },
        {
          ...options,
          emit: (outcome, index) => {
            outcomes[order[index] as number] = outcome
            const recorded = Effect.flatMap(entryOf(outcome, mtime), (entry) =>
              entry === undefined ? Effect.void : opened.append(entry)
            )
            return onOutcome === undefined ? recorded : Effect.zipRight(recorded, onOutcome(outcome))
          }
        }
      )
      yield* opened.flush
      const elapsed = Duration.millis((yield* Clock.currentTimeMillis) - started)
      return summarize(
        outcomes.filter((outcome): outcome is Outcome => outcome !== undefined),
        elapsed
      )
    })
  )

/**
 * `Downloader.downloadMany` in the session of the context's `Journal`: the done codes are not requested
 * again (`resumed` outcomes), and a journal of another run is refused (`SessionMismatch`).
 */
export const downloadMany = (
  codes: ReadonlyArray<string>,
  config: Downloader.DownloadConfig,
  options: InSession<Downloader.DownloadManyOptions>
): Effect.Effect<Summary, SessionError, DownloadEngine.Deps | Journal.Journal> => {
  const header = {
    command: "download" as const,
    server: options.session.server ?? config.baseUrl.replace(/\/+$/, ""),
    extension: config.extension,
    names: config.names
  }
  return run(header, Downloader.batch(codes, config, options), options.session)
}

/**
 * `UrlDownloads.downloadUrls` in the session of the context's `Journal`: items are keyed by URL, so a
 * URL listed again is fetched once; a partial download a stopped run left in dest is continued.
 */
export const downloadUrls = (
  items: ReadonlyArray<UrlItem>,
  config: UrlDownloads.UrlDownloadConfig,
  options: InSession<UrlDownloads.UrlDownloadOptions>
): Effect.Effect<Summary, SessionError, DownloadEngine.Deps | HttpClient.HttpClient | Journal.Journal> => {
  // the first of a URL listed twice is the session's item, with its out= (if any)
  const outs = new Map<string, string | undefined>()
  for (const item of items) if (!outs.has(item.url)) outs.set(item.url, item.out)
  const resuming = { ...config, resume: true }
  return run({ command: "fetch" }, UrlDownloads.batch(items, resuming, options), options.session, (id) =>
    outs.get(id)
  )
}
