/** The options `flags download` and `flags fetch` share: how many at once, where to, how, and how it shows. */
import * as Options from "@effect/cli/Options"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as OutputMode from "../terminal/OutputMode.js"
import type { BatchRunOptions } from "./BatchRun.js"
import { invalid, refine } from "./Validation.js"

/** The most concurrent requests `-m` accepts. */
export const maxRequests = 1000

/** The shared options, by the names the commands' handlers read them. */
export const batchOptions = {
  maxReq: Options.integer("max-req").pipe(
    Options.withAlias("m"),
    Options.withAlias("max_req"),
    Options.withDescription(`Concurrent requests, at most ${maxRequests} (env FLAGS_MAX_REQ).`),
    Options.withFallbackConfig(Config.integer("FLAGS_MAX_REQ")),
    Options.withDefault(5),
    refine(
      (n) => n >= 1 && n <= maxRequests,
      (n) => `--max-req must be between 1 and ${maxRequests}, got ${n}`
    )
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
    refine(
      (n) => n >= 0 && n <= 20,
      (n) => `--retries must be between 0 and 20, got ${n}`
    ),
    Options.withDefault(0)
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
      return Effect.succeed({ ...session, file: Option.getOrUndefined(session.file) })
    })
  )
}

/** The shared options as a run takes them. */
export const batchRunOptionsOf = (
  args: {
    readonly [K in keyof typeof batchOptions]: (typeof batchOptions)[K] extends Options.Options<infer A>
      ? A
      : never
  }
): BatchRunOptions => ({
  maxReq: args.maxReq,
  dest: args.dest,
  onExists: args.onExists,
  verbose: args.verbose,
  timeoutSeconds: args.timeout,
  maxTimeSeconds: Option.getOrUndefined(args.maxTime),
  retries: args.retries,
  json: args.json,
  progress: args.progress,
  taskbar: args.taskbar,
  session: args.session
})
