/** A whole `flags fetch` run: read the list, refuse it whole if a line is bad, then download it politely. */
import * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Path from "@effect/platform/Path"
import type * as Terminal from "@effect/platform/Terminal"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as HostPolicy from "../download/HostPolicy.js"
import type { Summary } from "../download/Outcome.js"
import { downloadUrls } from "../download/UrlDownloads.js"
import * as UrlList from "../download/UrlList.js"
import { Stdin, StdinError } from "../node/Stdin.js"
import * as Sessions from "../session/Sessions.js"
import type * as Progress from "../terminal/Progress.js"
import { type BatchRunOptions, type DownloadsFailed, requestOptionsOf, runBatch } from "./BatchRun.js"
import { connections, fileStyle } from "./Report.js"

/** Everything `flags fetch` was asked. */
export interface FetchRunOptions extends BatchRunOptions {
  readonly urls: ReadonlyArray<string>
  /** `-i FILE`, or `-` for standard input. */
  readonly input: string | undefined
  readonly maxPerHost: number | undefined
  readonly rate: HostPolicy.Rate | undefined
}

/** The URLs given are not a list to download: each bad line with its number, or nothing at all. */
export class BadList extends Data.TaggedError("BadList")<{
  readonly source: string
  readonly problems: ReadonlyArray<string>
}> {
  override get message() {
    const shown = this.problems.slice(0, 20)
    const more = this.problems.length - shown.length
    return [`nothing fetched: ${this.source} is not a list of URLs:`, ...shown.map((p) => `  ${p}`)]
      .concat(more > 0 ? [`  … and ${more} more`] : [])
      .join("\n")
  }
}

const encoder = new TextEncoder()

/** Reads what to fetch: the URLs given (an argument is a line), then `-i`'s list. */
const readList = (options: FetchRunOptions) =>
  Effect.gen(function* () {
    const fromArgs = UrlList.parse(encoder.encode(options.urls.join("\n")))
    if (Either.isLeft(fromArgs)) {
      return yield* new BadList({
        source: "the arguments",
        problems: fromArgs.left.map((bad) => `argument ${bad.line}: ${bad.reason}`)
      })
    }
    const input = options.input
    if (input === undefined) {
      if (fromArgs.right.length === 0) {
        return yield* new BadList({
          source: "the command",
          problems: ["no URL given: name URLs, or -i FILE (- for standard input)"]
        })
      }
      return fromArgs.right
    }
    const bytes =
      input === "-"
        ? yield* Effect.flatMap(Effect.serviceOption(Stdin), (stdin) =>
            Option.isSome(stdin)
              ? stdin.value.readAll
              : Effect.fail(new StdinError({ cause: "no standard input here" }))
          ).pipe(
            Effect.mapError((error) => new BadList({ source: "standard input", problems: [error.message] }))
          )
        : yield* Effect.flatMap(FileSystem.FileSystem, (fs) => fs.readFile(input)).pipe(
            Effect.mapError(
              (error) => new BadList({ source: input, problems: [`cannot read it: ${error.message}`] })
            )
          )
    const listed = UrlList.parse(bytes)
    if (Either.isLeft(listed)) {
      return yield* new BadList({
        source: input === "-" ? "standard input" : input,
        problems: listed.left.map((bad) => bad.message)
      })
    }
    return [...fromArgs.right, ...listed.right]
  })

/** Runs `flags fetch`: reports on stdout, progress on `ProgressTerminal`. */
export const runFetch = (
  options: FetchRunOptions
): Effect.Effect<
  Summary,
  DownloadsFailed | Sessions.SessionError | BadList,
  Terminal.Terminal | Progress.ProgressTerminal | HttpClient.HttpClient | FileSystem.FileSystem | Path.Path
> =>
  Effect.gen(function* () {
    const items = yield* readList(options)
    const hosts = new Set(items.map((item) => HostPolicy.hostOf(item.url))).size
    const concurrency = Math.max(1, Math.min(options.maxReq, items.length))
    const config = { ...requestOptionsOf(options), dest: options.dest, onExists: options.onExists }
    const policy = { maxPerHost: options.maxPerHost, rate: options.rate }
    const per = options.maxPerHost === undefined ? "" : `, at most ${options.maxPerHost} per host`
    // a session keys its items by URL: one listed twice is one item
    const repeated = items.length - new Set(items.map((item) => item.url)).size
    const once =
      options.session.file === undefined || repeated === 0
        ? []
        : [
            `${repeated} URL${repeated === 1 ? " is" : "s are"} listed more than once: fetched once in a session.`
          ]
    return yield* runBatch(
      {
        initialReport: [
          `Fetching ${items.length} file${items.length === 1 ? "" : "s"} from ${hosts} host${hosts === 1 ? "" : "s"}`,
          `${connections(concurrency).replace(/\.$/, "")}${per}.`,
          ...once
        ],
        total: items.length,
        dest: options.dest,
        json: { dest: options.dest, concurrency, hosts },
        downloads: (hooks, session) =>
          session === undefined
            ? downloadUrls(items, config, { concurrency, policy, ...hooks })
            : Effect.provide(
                Sessions.downloadUrls(items, config, {
                  concurrency,
                  policy,
                  ...hooks,
                  session: session.options
                }),
                session.journal
              )
      },
      { ...options, style: fileStyle }
    )
  })
