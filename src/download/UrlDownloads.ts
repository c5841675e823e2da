/**
 * Any list of URLs, politely: the download engine of `downloadMany` with per-host limits, request
 * rates and one pause for a throttled host (`HostPolicy`), saving each file under its name from
 * `UrlList` with the same atomic saves, size cap, per-phase timeouts and retries as the flags.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"
import * as Sessions from "../session/Sessions.js"
import type * as FlagClient from "./FlagClient.js"
import type { OnExists } from "./FlagFiles.js"
import * as HostPolicy from "./HostPolicy.js"
import * as Engine from "./internal/engine.js"
import type * as Job from "./internal/job.js"
import type { Outcome } from "./Outcome.js"
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
  /**
   * Run in the session of the context's `Journal`: resume what it says was done, journal each
   * download as it ends (see `Sessions`). Items are keyed by URL: a URL listed again is fetched once.
   */
  readonly session?: Sessions.SessionOptions | undefined
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

/**
 * Downloads every URL, the outcomes (in the list's order) counted; an outcome's `id` is its URL. With
 * `session`, a run resumes the context's `Journal` and records to it (see `downloadMany`).
 */
export const downloadUrls: Sessions.Runner<
  ReadonlyArray<UrlItem>,
  UrlDownloadConfig,
  UrlDownloadOptions,
  Deps
> = Sessions.runner(
  (items: ReadonlyArray<UrlItem>, config: UrlDownloadConfig, options: UrlDownloadOptions) => {
    const [engineConfig, runOptions] = settingsOf(config, options)
    const jobs = [...jobsOf(items)]
    const session = options.session
    if (session === undefined) return Engine.summary(jobs, engineConfig, runOptions)
    // the first of a URL listed twice is the session's item, with its out= (if any)
    const outs = new Map<string, string | undefined>()
    for (const item of items) if (!outs.has(item.url)) outs.set(item.url, item.out)
    return Sessions.run({ command: "fetch" }, jobs, engineConfig, {
      ...runOptions,
      session,
      outs: (id) => outs.get(id)
    })
  }
)

/** The outcomes as a `Stream`, in the order downloads end; `items` is read lazily, one per free slot. */
export const downloadUrlStream = (
  items: Iterable<UrlItem>,
  config: UrlDownloadConfig,
  options: Omit<UrlDownloadOptions, "onOutcome">
): Stream.Stream<Outcome, never, Deps> => {
  const [engineConfig, runOptions] = settingsOf(config, options)
  return Engine.stream(jobsOf(items), engineConfig, runOptions)
}
