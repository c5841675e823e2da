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
import * as Checksum from "../Checksum.js"
import { numbered, type OnExists, saveFile } from "../Destination.js"
import { type DownloadError, HttpStatusError } from "../DownloadErrors.js"
import * as DownloadMetrics from "../DownloadMetrics.js"
import * as FileTransfer from "../FileTransfer.js"
import * as HttpGet from "../HttpGet.js"
import type { Outcome, Saved } from "../Outcome.js"
import type { Expected } from "./contentTypes.js"
import type { Received } from "./request.js"
import { withSpanWhenTraced } from "./spans.js"

/** One download: where its body is, and the name its file gets in dest. */
export interface Job<R = never> {
  readonly id: string
  readonly url: string
  readonly expected: Expected
  /** The file's name; an effect when finding it takes requests of its own (flags3's metadata), behind the batch's gate. */
  readonly name: string | ((gate: HttpGet.Gate | undefined) => Effect.Effect<string, DownloadError, R>)
  /** The span it runs in when a tracer is on. */
  readonly span: { readonly name: string; readonly attributes: Record<string, unknown> }
  /** Its host (`HostPolicy.hostOf`), when known already: a list's URLs are parsed once. */
  readonly host?: string | undefined
  /** Other URLs of the same file, tried in order when the one before fails (streamed jobs only). */
  readonly mirrors?: ReadonlyArray<string> | undefined
  /** The digest the file must have (streamed jobs only). */
  readonly checksum?: Checksum.ExpectedChecksum | undefined
  /** Headers of this job's requests to `url` only (its credentials among them). */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** The list named its file (`out=`): a name the server gives does not replace it. */
  readonly named?: boolean | undefined
}

/**
 * What becomes of a job before any request (a session's resume decides it): an outcome without a
 * request, a download, or a conditional request for a file saved before (a 304 leaves it `UNCHANGED`,
 * a 200 replaces it under the same name).
 */
export type Preparation =
  | { readonly _tag: "Skip"; readonly outcome: Outcome }
  | { readonly _tag: "Fresh" }
  | {
      readonly _tag: "Conditional"
      readonly headers: Readonly<Record<string, string>>
      readonly saved: Saved
    }

/** How the engine downloads and saves. */
export interface EngineConfig extends HttpGet.RequestOptions {
  /** The batch's gate, set by the engine for the jobs it runs. */
  readonly gate?: HttpGet.Gate | undefined
  readonly dest: string
  readonly onExists: OnExists
  /** Each saved body's SHA-256 in its outcome, hashed while in memory. */
  readonly hash?: boolean | undefined
  /**
   * Bodies go to disk as they arrive, any size, resumable (`FileTransfer`), not into memory: with
   * `resume`, a partial download left in dest by an earlier run is continued; `onProgress` hears each
   * job's bytes on disk and its whole length, when known; `onKept`, what a stopped job leaves to resume
   * (`FileTransfer.Target.onKept`); `serverNames`, the names servers give files.
   */
  readonly toDisk?:
    | {
        readonly resume: boolean
        readonly onProgress?:
          | ((id: string, bytes: number, length: number | undefined) => Effect.Effect<void>)
          | undefined
        readonly onKept?: ((id: string, kept: FileTransfer.Kept) => Effect.Effect<void>) | undefined
        /**
         * With it, a file is saved under the name its server gives (`Content-Disposition`) unless the
         * job is `named`: this says the name, given the server's (made safe), numbering a name this run
         * has saved already.
         */
        readonly serverNames?: ((given: string) => string) | undefined
      }
    | undefined
  /** Decides each job before it is requested (default: a download). */
  readonly prepare?:
    | ((job: { readonly id: string; readonly url: string }) => Effect.Effect<Preparation, never, Deps>)
    | undefined
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
  const prepare = config.prepare
  const outcome =
    prepare === undefined
      ? fresh(job, config)
      : Effect.flatMap(prepare(job), (prepared) => runPrepared(job, config, prepared))
  return Effect.catchAll(outcome, (error) =>
    Effect.succeed<Outcome>({
      id: job.id,
      status: error._tag === "FlagNotFound" ? "NOT_FOUND" : "ERROR",
      error
    })
  )
}

/** A job as prepared: its outcome already, a download, or a conditional request. */
const runPrepared = <R>(job: Job<R>, config: EngineConfig, prepared: Preparation) => {
  switch (prepared._tag) {
    case "Skip":
      return Effect.succeed(prepared.outcome)
    case "Conditional":
      return revalidate(job, config, prepared.saved, prepared.headers)
    case "Fresh":
      return fresh(job, config)
  }
}

const savedOutcome = (
  id: string,
  file: string,
  received: Received,
  body: Uint8Array,
  hash: boolean
): Outcome => ({
  id,
  status: "OK",
  file,
  size: body.length,
  sha256: hash ? Checksum.sha256Hex(body) : undefined,
  etag: received.etag,
  lastModified: received.lastModified
})

/** A job's file streamed to disk from its URL, or failing that from each mirror in turn. */
const transfer = <R>(
  job: Job<R>,
  config: EngineConfig,
  toDisk: NonNullable<EngineConfig["toDisk"]>,
  name: string,
  conditions?: Readonly<Record<string, string>>
) => {
  const urls = [job.url, ...(job.mirrors ?? [])]
  const { onProgress, onKept, serverNames } = toDisk
  // a file saved before keeps its name when asked for again (`conditions`)
  const serverName =
    serverNames === undefined || job.named === true || conditions !== undefined
      ? undefined
      : (given: string) => {
          const chosen = serverNames(given)
          return config.onExists === "rename" ? freeName(config.dest, chosen) : Effect.succeed(chosen)
        }
  const from = (
    i: number
  ): Effect.Effect<FileTransfer.Transferred | FileTransfer.NotModified, FileTransfer.TransferError, Deps> => {
    const url = urls[i] as string
    const attempt = FileTransfer.toFile(
      {
        url,
        dest: config.dest,
        name,
        expected: job.expected,
        // the job's own headers (credentials among them) are for its URL, never for a mirror's host
        headers: i === 0 ? job.headers : undefined,
        resume: toDisk.resume,
        checksum: job.checksum,
        conditions,
        onProgress:
          onProgress === undefined ? undefined : (bytes, length) => onProgress(job.id, bytes, length),
        onKept: onKept === undefined ? undefined : (kept) => onKept(job.id, kept),
        serverName
      },
      config
    ).pipe(HttpGet.withinMaxTime(url, config))
    // a full disk is no mirror's fault: it ends the job at once
    return i + 1 < urls.length
      ? Effect.catchIf(
          attempt,
          (error) => error._tag !== "SaveError" && error._tag !== "DiskFull",
          () => from(i + 1)
        )
      : attempt
  }
  return from(0)
}

const transferredOutcome = (
  job: { readonly id: string; readonly checksum?: Checksum.ExpectedChecksum | undefined },
  done: FileTransfer.Transferred,
  hash: boolean
): Outcome => ({
  id: job.id,
  status: "OK",
  file: done.file,
  size: done.size,
  sha256: hash ? done.sha256 : undefined,
  etag: done.etag,
  lastModified: done.lastModified,
  checksum: job.checksum === undefined ? undefined : Checksum.format(job.checksum)
})

/** Requests the job, saves its body honouring `onExists`. */
const fresh = <R>(job: Job<R>, config: EngineConfig) => {
  const id = job.id
  const hash = config.hash === true
  const toDisk = config.toDisk
  if (toDisk !== undefined) return freshToDisk(job, config, toDisk)
  const fetch = (name: string) =>
    Effect.map(HttpGet.getReceived(job.url, config, job.expected), (received) => [received, name] as const)
  const fetched =
    typeof job.name === "string" ? fetch(job.name) : Effect.flatMap(job.name(config.gate), fetch)
  const save = ([received, name]: readonly [Received, string]) => {
    const body = received.body ?? new Uint8Array()
    return config.onExists === "rename"
      ? Effect.flatMap(freeName(config.dest, name), (free) =>
          Effect.as(saveFile(config.dest, free, body), savedOutcome(id, free, received, body, hash))
        )
      : Effect.as(saveFile(config.dest, name, body), savedOutcome(id, name, received, body, hash))
  }
  const download = fetched.pipe(HttpGet.withinMaxTime(job.url, config), Effect.flatMap(save))
  return config.onExists === "skip" && typeof job.name === "string"
    ? Effect.flatMap(exists(config.dest, job.name), (present) =>
        present ? Effect.succeed<Outcome>({ id, status: "SKIPPED", file: job.name as string }) : download
      )
    : download
}

/** `fresh` for a body streamed to disk: its name honouring `onExists`, then the transfer. */
const freshToDisk = <R>(job: Job<R>, config: EngineConfig, toDisk: NonNullable<EngineConfig["toDisk"]>) => {
  const id = job.id
  const named = typeof job.name === "string" ? Effect.succeed(job.name) : job.name(config.gate)
  return Effect.flatMap(named, (name) => {
    if (config.onExists === "skip") {
      return Effect.flatMap(exists(config.dest, name), (present) =>
        present
          ? Effect.succeed<Outcome>({ id, status: "SKIPPED", file: name })
          : Effect.map(transfer(job, config, toDisk, name), (done) => outcomeOf(job, done, config))
      )
    }
    const target = config.onExists === "rename" ? freeName(config.dest, name) : Effect.succeed(name)
    return Effect.flatMap(target, (free) =>
      Effect.map(transfer(job, config, toDisk, free), (done) => outcomeOf(job, done, config))
    )
  })
}

/** A streamed job's outcome; a 304 here answers conditions the run's own headers asked (`-H`), not ours. */
const outcomeOf = (
  job: {
    readonly id: string
    readonly url: string
    readonly checksum?: Checksum.ExpectedChecksum | undefined
  },
  done: FileTransfer.Transferred | FileTransfer.NotModified,
  config: EngineConfig
): Outcome =>
  done._tag === "Transferred"
    ? transferredOutcome(job, done, config.hash === true)
    : {
        id: job.id,
        status: "ERROR",
        error: new HttpStatusError({
          url: job.url,
          status: 304,
          reason: "Not Modified",
          retryAfter: undefined
        })
      }

/**
 * Asks again for a file saved before with its validators: a 304 leaves it as it is (`UNCHANGED`), a 200
 * replaces it atomically under its name.
 */
const revalidate = <R>(
  job: Job<R>,
  config: EngineConfig,
  saved: Saved,
  conditions: Readonly<Record<string, string>>
) => {
  const toDisk = config.toDisk
  if (toDisk !== undefined) {
    return Effect.map(
      transfer(job, config, toDisk, saved.file, conditions),
      (done): Outcome =>
        done._tag === "NotModified"
          ? {
              ...saved,
              status: "UNCHANGED",
              etag: done.etag ?? saved.etag,
              lastModified: done.lastModified ?? saved.lastModified
            }
          : transferredOutcome(job, done, config.hash === true)
    )
  }
  return HttpGet.getReceived(job.url, config, job.expected, conditions).pipe(
    HttpGet.withinMaxTime(job.url, config),
    Effect.flatMap((received) => {
      const body = received.body
      if (body === undefined) {
        return Effect.succeed<Outcome>({
          ...saved,
          status: "UNCHANGED",
          etag: received.etag ?? saved.etag,
          lastModified: received.lastModified ?? saved.lastModified
        })
      }
      return Effect.as(
        saveFile(config.dest, saved.file, body),
        savedOutcome(job.id, saved.file, received, body, config.hash === true)
      )
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
