/**
 * Fluent Python's `flags2_asyncio.py` / `flags3_asyncio.py` as Effect programs: download one flag,
 * or many with bounded concurrency, into a folder, each outcome a status with its typed error. Flags
 * are jobs of the one download engine that `downloadUrls` runs too.
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Path from "@effect/platform/Path"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import { fileNameFor, type OnExists } from "./Destination.js"
import type { Batch } from "./DownloadEngine.js"
import { BadMetadata, type DiskFull, withoutStack } from "./DownloadErrors.js"
import * as HttpGet from "./HttpGet.js"
import * as Engine from "./internal/engine.js"
import * as Job from "./internal/job.js"
import type { Outcome, Summary } from "./Outcome.js"

/** Where to download from and to. */
export interface DownloadConfig extends HttpGet.RequestOptions {
  /** The flags' base URL, e.g. `http://127.0.0.1:8000/flags`. */
  readonly baseUrl: string
  /** Image extension: `gif`, `png`, `svg`. */
  readonly extension: string
  /** Destination folder (must exist: see `Destination.prepareDestination`). */
  readonly dest: string
  /** flags3: also fetch `metadata.json` and name files by country (`Brazil-BR.png`). */
  readonly names: boolean
  /** A file of the name already in dest: `overwrite` (default, as the book), `skip` it, or `rename` the new one. */
  readonly onExists?: OnExists | undefined
}

const Metadata = Schema.parseJson(Schema.Struct({ country: Schema.String.pipe(Schema.minLength(1)) }))
const decodeMetadata = Schema.decodeUnknownEither(Metadata)

const urlFor = (config: DownloadConfig, cc: string, file: string) =>
  `${config.baseUrl.replace(/\/+$/, "")}/${cc.toLowerCase()}/${file}`

const countryOf = (config: DownloadConfig, cc: string, gate: HttpGet.Gate | undefined) => {
  const url = urlFor(config, cc, "metadata.json")
  return HttpGet.get(url, { ...config, maxBytes: Math.min(config.maxBytes, 64 * 1024), gate }, "json").pipe(
    Effect.flatMap((body) =>
      Either.match(decodeMetadata(new TextDecoder().decode(body)), {
        onLeft: (cause) =>
          Effect.fail(
            withoutStack(() => new BadMetadata({ url, reason: "not JSON with a country name", cause }))
          ),
        onRight: (metadata) => Effect.succeed(metadata.country)
      })
    )
  )
}

/** A flag as a job of the engine: its image's URL, and its file's name (by country with `names`). */
const jobFor =
  (config: DownloadConfig) =>
  (cc: string): Job.Job<HttpClient.HttpClient> => {
    const code = cc.toUpperCase()
    return {
      id: code,
      url: urlFor(config, code, `${code.toLowerCase()}.${config.extension}`),
      expected: "image",
      name: config.names
        ? (gate) =>
            Effect.map(countryOf(config, code, gate), (country) =>
              fileNameFor(code, config.extension, country)
            )
        : fileNameFor(code, config.extension),
      span: { name: "Downloader.downloadOne", attributes: { cc } }
    }
  }

const engineConfig = (config: DownloadConfig): Job.EngineConfig => ({
  ...config,
  onExists: config.onExists ?? "overwrite"
})

type Deps = HttpClient.HttpClient | FileSystem.FileSystem | Path.Path

/** Downloads one flag and saves it; never fails: a failure is an outcome with its error. */
export const downloadOne = (cc: string, config: DownloadConfig): Effect.Effect<Outcome, never, Deps> =>
  Job.runJob(jobFor(config)(cc), engineConfig(config))

/** Options of `downloadMany`. */
export interface DownloadManyOptions {
  /** Requests at once (with `names`, each code's two requests share one slot). */
  readonly concurrency: number
  /** Called as each download starts (with its code), e.g. to show what is in flight. */
  readonly onStart?: ((cc: string) => Effect.Effect<void>) | undefined
  /** Called as each download ends, e.g. to draw progress. */
  readonly onOutcome?: ((outcome: Outcome) => Effect.Effect<void>) | undefined
}

/** The engine's batch of `downloadMany`: a job per code (see `Sessions.downloadMany`). */
export const batch = (
  codes: ReadonlyArray<string>,
  config: DownloadConfig,
  options: DownloadManyOptions
): Batch<HttpClient.HttpClient> => ({
  jobs: codes.map(jobFor(config)),
  config: engineConfig(config),
  options
})

/** Downloads every code with bounded concurrency and counts the outcomes (in the codes' order). */
export const downloadMany = (
  codes: ReadonlyArray<string>,
  config: DownloadConfig,
  options: DownloadManyOptions
): Effect.Effect<Summary, DiskFull, Deps> => {
  const { jobs, config: engine } = batch(codes, config, options)
  return Engine.summary(jobs, engine, options)
}

/**
 * The outcomes as a `Stream`, in the order downloads end, with the same bounded concurrency: for
 * runs too long to keep every outcome (a summary holds them all), or to drive a UI as they come.
 * `codes` is read lazily, one code per free slot, so it may be a generator of any length.
 */
export const downloadStream = (
  codes: Iterable<string>,
  config: DownloadConfig,
  options: { readonly concurrency: number }
): Stream.Stream<Outcome, DiskFull, Deps> => {
  const job = jobFor(config)
  const jobs: Iterable<Job.Job<HttpClient.HttpClient>> = {
    *[Symbol.iterator]() {
      for (const cc of codes) yield job(cc)
    }
  }
  return Engine.stream(jobs, engineConfig(config), options)
}
