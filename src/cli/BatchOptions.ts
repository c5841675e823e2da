/** The options `flags download` and `flags fetch` share: how many at once, where to, how, and how it shows. */
import * as Options from "@effect/cli/Options"
import * as Config from "effect/Config"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Bandwidth from "../download/Bandwidth.js"
import * as HttpGet from "../download/HttpGet.js"
import * as UrlList from "../download/UrlList.js"
import type * as Sessions from "../session/Sessions.js"
import * as OutputMode from "../terminal/OutputMode.js"
import type * as BatchDisplay from "./BatchDisplay.js"
import { between, invalid, parsed, refine } from "./Validation.js"

/** The most concurrent requests `-m` accepts. */
export const maxRequests = 1000

// the options as @effect/cli parses them, in the order help lists them; batchOptions maps them once
const shared = {
  maxReq: Options.integer("max-req").pipe(
    Options.withAlias("m"),
    Options.withAlias("max_req"),
    Options.withDescription(`Concurrent requests, at most ${maxRequests} (env FLAGS_MAX_REQ).`),
    Options.withFallbackConfig(Config.integer("FLAGS_MAX_REQ")),
    Options.withDefault(5),
    between("max-req", 1, maxRequests)
  ),
  dest: Options.text("dest").pipe(
    Options.withAlias("d"),
    Options.withDescription("Folder for the files (created if missing; its parent must exist)."),
    Options.withDefault("downloaded")
  ),
  onExists: Options.choice("on-exists", ["overwrite", "skip", "rename"]).pipe(
    Options.withDescription(
      "A file of the name already in dest: overwrite it (default), skip the download (reported skipped), or save as name-1.ext."
    ),
    Options.withDefault("overwrite" as const)
  ),
  verbose: Options.boolean("verbose").pipe(
    Options.withAlias("v"),
    Options.withDescription("One line per download (BR OK, ZZ not found: URL), above the bar on a terminal.")
  ),
  timeout: Options.float("timeout").pipe(
    Options.withDescription(
      "Seconds for each phase of a request, as the book's timeout=3.1: connecting, sending, waiting for the answer, each gap between body bytes (env FLAGS_TIMEOUT)."
    ),
    Options.withFallbackConfig(Config.number("FLAGS_TIMEOUT")),
    refine(
      (s) => s > 0 && s <= 3600,
      (s) => `--timeout must be between 0 and 3600 seconds, got ${s}`
    ),
    Options.withDefault(3.1)
  ),
  maxTime: Options.float("max-time").pipe(
    Options.withDescription(
      "Seconds for a whole download, its retries included (curl's --max-time). Default: no limit."
    ),
    refine(
      (s) => s > 0 && s <= 86_400,
      (s) => `--max-time must be between 0 and 86400 seconds, got ${s}`
    ),
    Options.optional
  ),
  retries: Options.integer("retries").pipe(
    Options.withDescription(
      "Retries of transient failures (exponential backoff with jitter, honours Retry-After)."
    ),
    between("retries", 0, 20),
    Options.withDefault(0)
  ),
  limitRate: Options.text("limit-rate").pipe(
    Options.withDescription(
      "One bandwidth limit for every download in flight, in bytes per second: 500K, 2M (curl's and wget's --limit-rate; K, M, G are 1024s)."
    ),
    parsed(Bandwidth.parseSize, (text) => `--limit-rate must look like 500K, 2M or 1G, got ${text}`),
    Options.optional
  ),
  headers: Options.text("header").pipe(
    Options.withAlias("H"),
    Options.withDescription("A header sent with every request: -H 'Name: value' (repeatable)."),
    Options.repeated,
    Options.mapEffect((given) => {
      const headers: Record<string, string> = {}
      for (const [i, text] of given.entries()) {
        const header = UrlList.parseHeader(text)
        // the value is never echoed: it may be a credential
        if (header === undefined) {
          return Effect.fail(invalid(`--header must look like 'Name: value' (header ${i + 1} does not)`))
        }
        headers[header[0]] = header[1]
      }
      return Effect.succeed(headers)
    })
  ),
  json: Options.boolean("json").pipe(
    Options.withDescription("A JSON final report on stdout instead of the text one.")
  ),
  progress: Options.choice("progress", OutputMode.choices).pipe(
    Options.withDescription(
      "Progress on stderr: auto (a live bar on a terminal, plain lines elsewhere or under CI), live, plain, json (NDJSON events), none (env FLAGS_PROGRESS)."
    ),
    Options.withFallbackConfig(OutputMode.choice("FLAGS_PROGRESS")),
    Options.withDefault("auto" as const)
  ),
  taskbar: Options.boolean("taskbar").pipe(
    Options.withDescription(
      "Show progress in the terminal's taskbar too (OSC 9;4: Windows Terminal, ConEmu, Ghostty…)."
    )
  ),
  session: Options.all({
    file: Options.text("session").pipe(
      Options.withDescription(
        "A journal of the run (created if missing): run the same command again with it to resume, skipping what is done."
      ),
      Options.optional
    ),
    retryFailed: Options.boolean("retry-failed").pipe(
      Options.withDescription("With --session: run only the items that ended in error.")
    ),
    recheckMissing: Options.boolean("recheck-missing").pipe(
      Options.withDescription("With --session: ask again for the items not found before.")
    ),
    refresh: Options.boolean("refresh").pipe(
      Options.withDescription(
        "With --session: ask again for every done item, with its ETag / Last-Modified (a 304 is reported unchanged)."
      )
    )
  }).pipe(
    Options.mapEffect((session) => {
      const given = [
        session.retryFailed ? "--retry-failed" : undefined,
        session.recheckMissing ? "--recheck-missing" : undefined,
        session.refresh ? "--refresh" : undefined
      ].filter((name) => name !== undefined)
      if (Option.isNone(session.file) && given.length > 0) {
        return Effect.fail(invalid(`${given.join(", ")} need${given.length === 1 ? "s" : ""} --session FILE`))
      }
      if (session.retryFailed && session.refresh) {
        return Effect.fail(
          invalid("--retry-failed runs only failed items, --refresh only done ones: pick one")
        )
      }
      const { retryFailed, recheckMissing, refresh } = session
      return Effect.succeed(
        Option.match(session.file, {
          onNone: () => undefined,
          onSome: (file) => ({
            file,
            options: { retryFailed, recheckMissing, refresh } satisfies Sessions.SessionOptions
          })
        })
      )
    })
  )
}

const seconds = (s: number) => Duration.millis(Math.round(s * 1000))

/**
 * The shared options, mapped once into what a batch takes: the request's options, the session's file
 * and options (none without `--session`), and how the batch shows itself.
 */
export const batchOptions = Options.all(shared).pipe(
  Options.map((args) => ({
    maxReq: args.maxReq,
    dest: args.dest,
    onExists: args.onExists,
    request: {
      ...HttpGet.defaultRequestOptions,
      timeout: seconds(args.timeout),
      maxTime: Option.getOrUndefined(Option.map(args.maxTime, seconds)),
      retries: args.retries,
      // the run's one budget, shared by every download in flight
      bandwidth: Option.getOrUndefined(Option.map(args.limitRate, Bandwidth.unsafeMake)),
      headers: args.headers
    } satisfies HttpGet.RequestOptions,
    session: args.session,
    display: {
      verbose: args.verbose,
      json: args.json,
      renderer: { mode: args.progress, taskbar: args.taskbar },
      retryFailed: args.session?.options.retryFailed === true
    } satisfies BatchDisplay.Options
  }))
)
