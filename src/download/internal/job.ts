/**
 * One job of the download engine: its body's URL, its file's name (or how to find it), and what
 * becomes of it — a request (with flags3's metadata before it), a save honouring `onExists`, an
 * outcome counted by the downloader's metrics.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Path from "@effect/platform/Path"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import type { Entry } from "../../session/JournalFormat.js"
import type { ResumeOptions } from "../../session/Resume.js"
import * as Resume from "../../session/Resume.js"
import { type DownloadError, FlagNotFound } from "../DownloadErrors.js"
import * as DownloadMetrics from "../DownloadMetrics.js"
import * as FlagClient from "../FlagClient.js"
import { numbered, type OnExists, saveFile } from "../FlagFiles.js"
import type { Outcome } from "../Outcome.js"
import type { Answer } from "./answer.js"
import type { Expected } from "./contentTypes.js"
import { sha256Hex } from "./sha256.js"
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
  /** Its host (`HostPolicy.hostOf`), when known already: a list's URLs are parsed once. */
  readonly host?: string | undefined
  /** In a resumed session, the journal's last entry for it. */
  readonly journaled?: Entry | undefined
}

/** How the engine downloads and saves. */
export interface EngineConfig extends FlagClient.RequestOptions {
  readonly dest: string
  readonly onExists: OnExists
  /**
   * In a session: each job's journaled entry is checked against dest first (`Resume.check`: done,
   * redone, revalidated…), and every body saved is hashed while in memory.
   */
  readonly resume?: ResumeOptions | undefined
}

/** What the engine needs from the platform. */
export type Deps = HttpClient.HttpClient | FileSystem.FileSystem | Path.Path

/** Downloads one job and saves it, counted by the downloader's metrics; never fails: a failure is an outcome. */
export const runJob = <R>(job: Job<R>, config: EngineConfig): Effect.Effect<Outcome, never, Deps | R> =>
  runJobUntraced(job, config).pipe(
    Effect.tap((outcome) =>
      outcome.resumed === true
        ? Effect.void
        : Metric.increment(DownloadMetrics.downloadsByStatus[outcome.status])
    ),
    Metric.trackDurationWith(DownloadMetrics.downloadDuration, Duration.toMillis),
    withSpanWhenTraced(job.span.name, job.span.attributes)
  )

const runJobUntraced = <R>(job: Job<R>, config: EngineConfig): Effect.Effect<Outcome, never, Deps | R> => {
  const resume = config.resume
  const outcome =
    resume === undefined
      ? fresh(job, config)
      : Effect.flatMap(Resume.check(job.journaled, resume, config.dest), (decision) =>
          decided(job, config, decision)
        )
  return Effect.catchAll(outcome, (error) =>
    Effect.succeed<Outcome>({
      id: job.id,
      status: error._tag === "FlagNotFound" ? "NOT_FOUND" : "ERROR",
      error
    })
  )
}

/** What a session's decision makes of a job: nothing to request, a conditional request, or a download. */
const decided = <R>(job: Job<R>, config: EngineConfig, decision: Resume.Decision) => {
  switch (decision._tag) {
    case "Done":
      return Effect.succeed(resumedOutcome(decision.entry))
    case "NotFound":
      return Effect.succeed<Outcome>({
        id: job.id,
        status: "NOT_FOUND",
        resumed: true,
        error: new FlagNotFound({ url: job.url })
      })
    case "Revalidate":
      return revalidate(job, config, decision.entry, decision.headers)
    default:
      return fresh(job, config)
  }
}

/** A done item as the journal proved it. */
const resumedOutcome = (entry: Entry): Outcome => ({
  id: entry.id,
  status: "OK",
  file: entry.file,
  size: entry.size,
  sha256: entry.sha256,
  etag: entry.etag,
  lastModified: entry.lastModified,
  resumed: true
})

const savedOutcome = (
  id: string,
  file: string,
  answer: Answer,
  body: Uint8Array,
  hash: boolean
): Outcome => ({
  id,
  status: "OK",
  file,
  size: body.length,
  sha256: hash ? sha256Hex(body) : undefined,
  etag: answer.etag,
  lastModified: answer.lastModified
})

/** Requests the job, saves its body honouring `onExists`. */
const fresh = <R>(job: Job<R>, config: EngineConfig) => {
  const id = job.id
  const hash = config.resume !== undefined
  const fetch = (name: string) =>
    Effect.map(FlagClient.getAnswer(job.url, config, job.expected), (answer) => [answer, name] as const)
  const fetched = typeof job.name === "string" ? fetch(job.name) : Effect.flatMap(job.name, fetch)
  const save = ([answer, name]: readonly [Answer, string]) => {
    const body = answer.body ?? new Uint8Array()
    return config.onExists === "rename"
      ? Effect.flatMap(freeName(config.dest, name), (free) =>
          Effect.as(saveFile(config.dest, free, body), savedOutcome(id, free, answer, body, hash))
        )
      : Effect.as(saveFile(config.dest, name, body), savedOutcome(id, name, answer, body, hash))
  }
  const download = fetched.pipe(FlagClient.withinMaxTime(job.url, config), Effect.flatMap(save))
  return config.onExists === "skip" && typeof job.name === "string"
    ? Effect.flatMap(exists(config.dest, job.name), (present) =>
        present ? Effect.succeed<Outcome>({ id, status: "SKIPPED", file: job.name as string }) : download
      )
    : download
}

/**
 * Asks again for a done item with the journal's validators: a 304 leaves its file as it is
 * (`UNCHANGED`), a 200 replaces it atomically under the journal's name.
 */
const revalidate = <R>(
  job: Job<R>,
  config: EngineConfig,
  entry: Entry,
  conditions: Readonly<Record<string, string>>
) => {
  const file = entry.file ?? ""
  return FlagClient.getAnswer(job.url, config, job.expected, conditions).pipe(
    FlagClient.withinMaxTime(job.url, config),
    Effect.flatMap((answer) => {
      const body = answer.body
      if (body === undefined) {
        return Effect.succeed<Outcome>({
          ...resumedOutcome(entry),
          status: "UNCHANGED",
          etag: answer.etag ?? entry.etag,
          lastModified: answer.lastModified ?? entry.lastModified,
          resumed: undefined
        })
      }
      return Effect.as(saveFile(config.dest, file, body), savedOutcome(job.id, file, answer, body, true))
    })
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
