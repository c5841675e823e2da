/**
 * `flags fetch`: any list of URLs, downloaded politely (per-host limits, rates, one pause per throttled
 * host); its handler reads the list, refuses it whole if a line is bad, then downloads it with the batch
 * on show (`BatchDisplay`).
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Config from "effect/Config"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Bandwidth from "../download/Bandwidth.js"
import * as HostPolicy from "../download/HostPolicy.js"
import * as Netrc from "../download/Netrc.js"
import { downloadUrls } from "../download/UrlDownloads.js"
import * as UrlList from "../download/UrlList.js"
import { Stdin, StdinError } from "../node/Stdin.js"
import * as Journal from "../session/Journal.js"
import * as Sessions from "../session/Sessions.js"
import * as BatchDisplay from "./BatchDisplay.js"
import { batchOptions } from "./BatchOptions.js"
import { connections, fileStyle } from "./Report.js"
import { announced } from "./RunningCommand.js"
import { between, parsed } from "./Validation.js"

const urls = Args.text({ name: "URL" }).pipe(
  Args.withDescription("URLs to download (http or https); with -i, these come first."),
  Args.repeated
)

const options = {
  input: Options.text("input-file").pipe(
    Options.withAlias("i"),
    Options.withDescription(
      "A list of URLs, one a line, each optionally followed by out=NAME (aria2's and wget's -i); - reads standard input."
    ),
    Options.optional,
    Options.map(Option.getOrUndefined)
  ),
  maxPerHost: Options.integer("max-per-host").pipe(
    Options.withDescription("Requests in flight to one host (scheme, host, port) at most, inside --max-req."),
    between("max-per-host", 1, 1000),
    Options.optional,
    Options.map(Option.getOrUndefined)
  ),
  maxSize: Options.text("max-size").pipe(
    Options.withDescription("The largest file accepted: 10M, 2G (curl's --max-filesize). Default: any size."),
    parsed(Bandwidth.parseSize, (text) => `--max-size must look like 10M, 2G or 4096, got ${text}`),
    Options.optional,
    Options.map(Option.getOrElse(() => Number.POSITIVE_INFINITY))
  ),
  resume: Options.boolean("continue").pipe(
    Options.withAlias("c"),
    Options.withDescription(
      "Continue the partial downloads an earlier run left in dest (.NAME.partial), asking for the rest with Range and If-Range (wget's -c); a --session run always does."
    )
  ),
  contentDisposition: Options.boolean("content-disposition").pipe(
    Options.withDescription(
      "Save each file under the name its server gives in Content-Disposition, made safe (wget's --content-disposition); a list's out= still wins, and a name given twice in a run is numbered."
    )
  ),
  netrc: Options.boolean("netrc").pipe(
    Options.withDescription(
      "Credentials for each host from ~/.netrc (curl's --netrc); a URL's own user:password comes first."
    )
  ),
  netrcFile: Options.text("netrc-file").pipe(
    Options.withDescription("Credentials for each host from this netrc file."),
    Options.optional,
    Options.map(Option.getOrUndefined)
  ),
  rate: Options.text("rate").pipe(
    Options.withDescription("Request starts per host at most, spread evenly: 20/s, 300/min, 1000/h."),
    parsed(HostPolicy.parseRate, (text) => `--rate must look like 20/s, 300/min or 1000/h, got ${text}`),
    Options.optional,
    Options.map(Option.getOrUndefined)
  )
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

/** Reads what to fetch: the URLs given (an argument is a line), then `-i`'s list (`-` for standard input). */
const readList = (urls: ReadonlyArray<string>, input: string | undefined) =>
  Effect.gen(function* () {
    const fromArgs = UrlList.parse(encoder.encode(urls.join("\n")))
    if (Either.isLeft(fromArgs)) {
      return yield* new BadList({
        source: "the arguments",
        problems: fromArgs.left.map((bad) => `argument ${bad.line}: ${bad.reason}`)
      })
    }
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

/** A netrc file that cannot be used: one line, never a password. */
export class NetrcUnusable extends Data.TaggedError("NetrcUnusable")<{
  readonly file: string
  readonly reason: string
}> {
  override get message() {
    return `flags: nothing fetched: cannot use ${this.file}: ${this.reason}`
  }
}

/** The items with credentials from the netrc file (`--netrc`: `~/.netrc`) where their URL has none. */
const withNetrc = (items: ReadonlyArray<UrlList.UrlItem>, netrc: boolean, netrcFile: string | undefined) =>
  Effect.gen(function* () {
    if (!netrc && netrcFile === undefined) return items
    const home = yield* Effect.orElseSucceed(Config.string("HOME"), () => "")
    const file = netrcFile ?? `${home}/.netrc`
    const text = yield* Effect.flatMap(FileSystem.FileSystem, (fs) => fs.readFileString(file)).pipe(
      Effect.mapError((error) => new NetrcUnusable({ file, reason: error.message }))
    )
    const entries = yield* Either.match(Netrc.parse(text), {
      onLeft: (bad) => Effect.fail(new NetrcUnusable({ file, reason: bad.message })),
      onRight: Effect.succeed
    })
    return items.map((item) => {
      if (item.credentials !== undefined) return item
      const credentials = Netrc.credentialsFor(entries, new URL(item.url).hostname)
      return credentials === undefined ? item : { ...item, credentials }
    })
  })

/** The `fetch` subcommand: reports on stdout, progress on `ProgressTerminal`. */
export const fetchCommand = Command.make("fetch", { urls, batch: batchOptions, ...options }, (args) =>
  Effect.scoped(
    Effect.gen(function* () {
      const { batch } = args
      const items = yield* Effect.flatMap(readList(args.urls, args.input), (listed) =>
        withNetrc(listed, args.netrc, args.netrcFile)
      )
      const hosts = new Set(items.map((item) => HostPolicy.hostOf(item.url))).size
      const concurrency = Math.max(1, Math.min(batch.maxReq, items.length))
      const per = args.maxPerHost === undefined ? "" : `, at most ${args.maxPerHost} per host`
      // a session keys its items by URL: one listed twice is one item
      const repeated = items.length - new Set(items.map((item) => item.url)).size
      const once =
        batch.session === undefined || repeated === 0
          ? []
          : [
              `${repeated} URL${repeated === 1 ? " is" : "s are"} listed more than once: fetched once in a session.`
            ]

      const shown = yield* BatchDisplay.open(
        {
          lines: [
            `Fetching ${items.length} file${items.length === 1 ? "" : "s"} from ${hosts} host${hosts === 1 ? "" : "s"}`,
            `${connections(concurrency).replace(/\.$/, "")}${per}.`,
            ...once
          ],
          total: items.length,
          dest: batch.dest,
          json: { dest: batch.dest, concurrency, hosts },
          style: fileStyle
        },
        batch.display
      )
      const config = {
        ...batch.request,
        maxBytes: args.maxSize,
        dest: batch.dest,
        onExists: batch.onExists,
        resume: args.resume,
        contentDisposition: args.contentDisposition,
        onProgress: shown.onProgress
      }
      const policy = { maxPerHost: args.maxPerHost, rate: args.rate }
      const summary =
        batch.session === undefined
          ? yield* downloadUrls(items, config, { concurrency, policy, ...shown.hooks })
          : yield* Sessions.downloadUrls(items, config, {
              concurrency,
              policy,
              ...shown.hooks,
              session: { ...batch.session.options, onOpen: shown.onOpen }
            }).pipe(Effect.provide(Journal.layerFile(batch.session.file)))
      yield* shown.finish(summary)
    })
  )
).pipe(
  Command.withDescription(
    "Download any list of URLs politely: per-host limits and rates, one pause for a host that throttles."
  ),
  announced({ name: "fetch", endsOnSignal: false })
)
