/** `flags download`: the book's flags2/flags3 clients, with their options. */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as CountryCodes from "../download/CountryCodes.js"
import { batchOptions, batchRunOptionsOf } from "./BatchOptions.js"
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

const options = {
  ...batchOptions,
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
  names: Options.boolean("names").pipe(
    Options.withDescription("flags3: fetch metadata.json too and name files by country (Brazil-BR.png).")
  ),
  faults: faultOptions
}

/** The `download` subcommand. */
export const downloadCommand = Command.make("download", { codes, ...options }, (args) =>
  runDownload({
    ...batchRunOptionsOf(args),
    args: args.codes,
    all: args.all,
    every: args.every,
    limit: Option.getOrUndefined(args.limit),
    server: args.server,
    extension: Option.getOrUndefined(args.ext),
    names: args.names,
    faults: args.faults
  })
).pipe(
  Command.withDescription("Download flags with bounded concurrency, as the book's flags2/flags3 clients do."),
  announced({ name: "download", endsOnSignal: false })
)
