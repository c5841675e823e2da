/**
 * Any list of URLs, politely: the download engine of `downloadMany` with per-host limits, request
 * rates and one pause for a throttled host (`HostPolicy`), saving each file under its name from
 * `UrlList` with the same atomic saves, size cap, per-phase timeouts and retries as the flags.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"
import type * as FlagClient from "./FlagClient.js"
import type { OnExists } from "./FlagFiles.js"
import type * as HostPolicy from "./HostPolicy.js"
import * as Engine from "./internal/engine.js"
import type * as Job from "./internal/job.js"
import type { Outcome, Summary } from "./Outcome.js"
import { namer, type UrlItem } from "./UrlList.js"

/** Where to save, and how requests are made. */
export interface UrlDownloadConfig extends FlagClient.RequestOptions {
  /** Destination folder (must exist: see `FlagFiles.prepareDestination`). */
  readonly dest: string
  /** A file of the name already in dest: `overwrite` (default), `skip` it (`SKIPPED`), or `rename` the new one. */
  readonly onExists?: OnExists | undefined
}

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
      yield {
        id: item.url,
        url: item.url,
        expected: "any",
        name: name(item),
        span: { name: "UrlDownloads.download", attributes: { url: item.url } }
      }
    }
  }
})

const settingsOf = (config: UrlDownloadConfig, options: UrlDownloadOptions) =>
  [
    { ...config, onExists: config.onExists ?? "overwrite" },
    { ...options, policy: options.policy ?? {} }
  ] as const

type Deps = Job.Deps | HttpClient.HttpClient

/** Downloads every URL, the outcomes (in the list's order) counted; an outcome's `id` is its URL. */
export const downloadUrls = (
  items: ReadonlyArray<UrlItem>,
  config: UrlDownloadConfig,
  options: UrlDownloadOptions
): Effect.Effect<Summary, never, Deps> => {
  const [engineConfig, runOptions] = settingsOf(config, options)
  return Engine.summary([...jobsOf(items)], engineConfig, runOptions)
}

/** The outcomes as a `Stream`, in the order downloads end; `items` is read lazily, one per free slot. */
export const downloadUrlStream = (
  items: Iterable<UrlItem>,
  config: UrlDownloadConfig,
  options: Omit<UrlDownloadOptions, "onOutcome">
): Stream.Stream<Outcome, never, Deps> => {
  const [engineConfig, runOptions] = settingsOf(config, options)
  return Engine.stream(jobsOf(items), engineConfig, runOptions)
}
