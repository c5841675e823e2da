/**
 * Any list of URLs, politely: the download engine of `downloadMany` with per-host limits, request
 * rates and one pause for a throttled host (`HostPolicy`), saving each file under its name from
 * `UrlList` with the same per-phase timeouts and retries as the flags. Bodies of any size stream to
 * disk (`FileTransfer`): resumable, checked against the list's checksums, tried at each mirror in turn.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Effect from "effect/Effect"
import * as Encoding from "effect/Encoding"
import type * as Stream from "effect/Stream"
import { distinctNames, type OnExists } from "./Destination.js"
import type { Batch } from "./DownloadEngine.js"
import type { DiskFull } from "./DownloadErrors.js"
import type * as FileTransfer from "./FileTransfer.js"
import * as HostPolicy from "./HostPolicy.js"
import type * as HttpGet from "./HttpGet.js"
import * as Engine from "./internal/engine.js"
import type * as Job from "./internal/job.js"
import type { Outcome, Summary } from "./Outcome.js"
import { type Credentials, namer, type UrlItem } from "./UrlList.js"

/** Where to save, and how requests are made. */
export interface UrlDownloadConfig extends HttpGet.RequestOptions {
  /** Destination folder (must exist: see `Destination.prepareDestination`). */
  readonly dest: string
  /** A file of the name already in dest: `overwrite` (default), `skip` it (`SKIPPED`), or `rename` the new one. */
  readonly onExists?: OnExists | undefined
  /** Continue a partial download an earlier run left in dest (`--continue`; a session always does). */
  readonly resume?: boolean | undefined
  /** Hears each file's bytes on disk and its whole length (when known), by the item's URL. */
  readonly onProgress?:
    | ((url: string, bytes: number, length: number | undefined) => Effect.Effect<void>)
    | undefined
  /**
   * Save each file under the name its server gives (`Content-Disposition`, made safe; wget's
   * `--content-disposition`) when the list gave it no `out=`; names the run has saved already are
   * numbered (`a-1.zip`).
   */
  readonly contentDisposition?: boolean | undefined
  /** Hears what a download keeps in dest to resume from, as it comes and when it stops short. */
  readonly onKept?: ((url: string, kept: FileTransfer.Kept) => Effect.Effect<void>) | undefined
}

const basic = (credentials: Credentials) =>
  `Basic ${Encoding.encodeBase64(`${credentials.username}:${credentials.password}`)}`

/** How many at once, how politely, and who hears of each start and outcome. */
export interface UrlDownloadOptions {
  /** Requests in flight at once, across every host. */
  readonly concurrency: number
  /** Per-host limits; by default none but a pause for a host that answers 429 or 503. */
  readonly policy?: HostPolicy.HostPolicyOptions | undefined
  /** Called as each download starts, with its URL. */
  readonly onStart?: ((url: string) => Effect.Effect<void>) | undefined
  /** Called as each download ends. */
  readonly onOutcome?: ((outcome: Outcome) => Effect.Effect<void>) | undefined
}

const jobsOf = (items: Iterable<UrlItem>): Iterable<Job.Job<never>> => ({
  *[Symbol.iterator]() {
    // named in the list's order, so that every run names every file the same way
    const name = namer()
    for (const item of items) {
      // parsed once for its name and its host (a 100,000-URL list spent ~0.3 s parsing each URL thrice)
      const parsed = new URL(item.url)
      yield {
        id: item.url,
        url: item.url,
        expected: "any",
        name: name(item, parsed),
        host: HostPolicy.hostOfUrl(parsed),
        span: { name: "UrlDownloads.download", attributes: { url: item.url } },
        named: item.out !== undefined,
        mirrors: item.mirrors,
        checksum: item.checksum,
        headers:
          item.credentials === undefined
            ? item.headers
            : { ...item.headers, authorization: basic(item.credentials) }
      }
    }
  }
})

const settingsOf = (config: UrlDownloadConfig, options: UrlDownloadOptions) =>
  [
    {
      ...config,
      onExists: config.onExists ?? "overwrite",
      toDisk: {
        resume: config.resume ?? false,
        onProgress: config.onProgress,
        onKept: config.onKept,
        serverNames: config.contentDisposition === true ? distinctNames() : undefined
      }
    },
    { ...options, policy: options.policy ?? {} }
  ] as const

type Deps = Job.Deps | HttpClient.HttpClient

/** The engine's batch of `downloadUrls`: a job per item, its id the URL (see `Sessions.downloadUrls`). */
export const batch = (
  items: ReadonlyArray<UrlItem>,
  config: UrlDownloadConfig,
  options: UrlDownloadOptions
): Batch<never> => {
  const [engineConfig, runOptions] = settingsOf(config, options)
  return { jobs: [...jobsOf(items)], config: engineConfig, options: runOptions }
}

/** Downloads every URL, the outcomes (in the list's order) counted; an outcome's `id` is its URL. */
export const downloadUrls = (
  items: ReadonlyArray<UrlItem>,
  config: UrlDownloadConfig,
  options: UrlDownloadOptions
): Effect.Effect<Summary, DiskFull, Deps> => {
  const { jobs, config: engine, options: runOptions } = batch(items, config, options)
  return Engine.summary(jobs, engine, runOptions)
}

/** The outcomes as a `Stream`, in the order downloads end; `items` is read lazily, one per free slot. */
export const downloadUrlStream = (
  items: Iterable<UrlItem>,
  config: UrlDownloadConfig,
  options: Omit<UrlDownloadOptions, "onOutcome">
): Stream.Stream<Outcome, DiskFull, Deps> => {
  const [engineConfig, runOptions] = settingsOf(config, options)
  return Engine.stream(jobsOf(items), engineConfig, runOptions)
}
