/** `flags download`: the book's flags2/flags3 clients, with their options. */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as CountryCodes from "../CountryCodes.js"
import * as OutputMode from "../OutputMode.js"
import { isServer } from "./BookServers.js"
import { runDownload } from "./DownloadRun.js"
import { announced } from "./RunningCommand.js"
import { faultOptions } from "./ServerOptions.js"
import { refine } from "./Validation.js"

const codes = Args.text({ name: "CC" }).pipe(
  Args.withDescription("Country codes (BR) or single letters (B: BA … BZ). Default: the 20 most populous."),
  Args.repeated,
  Args.mapEffect((args) =>
    Either.match(CountryCodes.expand(args), {
      onLeft: (error) => Effect.fail(HelpDoc.p(error.message)),
      onRight: () => Effect.succeed(args)
    })
  )
)

/** The most concurrent requests `-m` accepts. */
export const maxRequests = 1000

const options = {
  all: Options.boolean("all").pipe(
    Options.withAlias("a"),
    Options.withDescription("Every flag the server publishes (the book's 194 codes for its servers).")
  ),
  every: Options.boolean("every").pipe(
    Options.withAlias("e"),
    Options.withDescription("Every code AA … ZZ (676).")
  ),
  limit: Options.integer("limit").pipe(
    Options.withAlias("l"),
    Options.withDescription("Only the first N codes after sorting."),
    refine(
      (n) => n >= 1,
      (n) => `--limit must be at least 1, got ${n}`
    ),
    Options.optional
  ),
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
  server: Options.text("server").pipe(
    Options.withAlias("s"),
    Options.withDescription(
      "EMBEDDED (the bundled flag server, in-process), LOCAL, DELAY, ERROR, REMOTE, or an http(s) base URL (env FLAGS_SERVER)."
    ),
    Options.withFallbackConfig(Config.string("FLAGS_SERVER")),
    Options.withDefault("EMBEDDED"),
    refine(
      isServer,
      (s) => `--server must be EMBEDDED, LOCAL, DELAY, ERROR, REMOTE or an http(s) URL, got ${s}`
    )
  ),
  ext: Options.choice("ext", ["gif", "png", "svg"]).pipe(
    Options.withDescription(
      "Image extension (default: gif for the book's servers, the embedded server's own format)."
    ),
    Options.optional
  ),
  dest: Options.text("dest").pipe(
    Options.withAlias("d"),
    Options.withDescription("Folder for the flags (created if missing)."),
    Options.withDefault("downloaded")
  ),
  verbose: Options.boolean("verbose").pipe(
    Options.withAlias("v"),
    Options.withDescription("One line per code instead of the progress bar.")
  ),
  names: Options.boolean("names").pipe(
    Options.withDescription("flags3: fetch metadata.json too and name files by country (Brazil-BR.png).")
  ),
  timeout: Options.float("timeout").pipe(
    Options.withDescription(
      "Seconds for each phase of a request, as the book's timeout=3.1: connecting, sending, waiting for the answer, each gap between body bytes."
    ),
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
  faults: faultOptions
}

/** The `download` subcommand. */
export const downloadCommand = Command.make("download", { codes, ...options }, (args) =>
  runDownload({
    args: args.codes,
    all: args.all,
    every: args.every,
    limit: Option.getOrUndefined(args.limit),
    maxReq: args.maxReq,
    server: args.server,
    extension: Option.getOrUndefined(args.ext),
    dest: args.dest,
    verbose: args.verbose,
    names: args.names,
    timeoutSeconds: args.timeout,
    maxTimeSeconds: Option.getOrUndefined(args.maxTime),
    retries: args.retries,
    json: args.json,
    progress: args.progress,
    taskbar: args.taskbar,
    faults: args.faults
  })
).pipe(
  Command.withDescription("Download flags with bounded concurrency, as the book's flags2/flags3 clients do."),
  announced({ name: "download", endsOnSignal: false })
)
