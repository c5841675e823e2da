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
import type { DownloadError } from "../DownloadErrors.js"
import * as DownloadMetrics from "../DownloadMetrics.js"
import * as FlagClient from "../FlagClient.js"
import { numbered, type OnExists, saveFile } from "../FlagFiles.js"
import type { Outcome } from "../Outcome.js"
import type { Expected } from "./contentTypes.js"
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

/** What the engine needs from the platform. */
export type Deps = HttpClient.HttpClient | FileSystem.FileSystem | Path.Path

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
