/**
 * `flags download`: the book's flags2/flags3 clients, with their options; its handler picks the server
 * and the codes, then downloads them with the batch on show (`BatchDisplay`).
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as CountryCodes from "../download/CountryCodes.js"
import { downloadMany } from "../download/Downloader.js"
import * as NodeFlagServer from "../node/NodeFlagServer.js"
import * as Journal from "../session/Journal.js"
import * as Sessions from "../session/Sessions.js"
import * as Progress from "../terminal/Progress.js"
import * as BatchDisplay from "./BatchDisplay.js"
import { batchOptions } from "./BatchOptions.js"
import { isServer, urlOfLabel } from "./BookServers.js"
import { flagStyle, initialReport } from "./Report.js"
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
    Options.optional,
    Options.map(Option.getOrUndefined)
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
    Options.optional,
    Options.map(Option.getOrUndefined)
  ),
  names: Options.boolean("names").pipe(
    Options.withDescription("flags3: fetch metadata.json too and name files by country (Brazil-BR.png).")
  ),
  faults: faultOptions
}

/** The `download` subcommand: reports on stdout, progress on `ProgressTerminal`. */
export const downloadCommand = Command.make("download", { codes, batch: batchOptions, ...options }, (args) =>
  Effect.scoped(
    Effect.gen(function* () {
      const { batch } = args
      const label = args.server.toUpperCase()
      const embedded =
        label === "EMBEDDED"
          ? yield* NodeFlagServer.make({ ...args.faults, host: "127.0.0.1", port: 0 })
          : undefined
      const labelled = urlOfLabel(label)
      const baseUrl = embedded?.baseUrl ?? labelled ?? args.server.replace(/\/+$/, "")
      const shownLabel = embedded !== undefined || labelled !== undefined ? label : "CUSTOM"
      const extension = args.ext ?? embedded?.extension ?? "gif"
      if (embedded === undefined && Object.values(args.faults).some((value) => value !== undefined)) {
        yield* Effect.ignore(
          Effect.flatMap(Progress.ProgressTerminal, (stderr) =>
            stderr.display(
              `flags: --delay, --error-rate, --seed, … shape the EMBEDDED server only; ignored for ${baseUrl}\n`
            )
          )
        )
      }
      const codes = yield* Either.match(
        CountryCodes.select({
          args: args.codes,
          all: args.all,
          every: args.every,
          limit: args.limit,
          published: embedded?.codes
        }),
        { onLeft: Effect.fail, onRight: Effect.succeed }
      )
      const concurrency = Math.max(1, Math.min(batch.maxReq, codes.length))

      const shown = yield* BatchDisplay.open(
        {
          lines: initialReport(codes, concurrency, shownLabel, baseUrl),
          total: codes.length,
          dest: batch.dest,
          json: { server: baseUrl, extension, dest: batch.dest, concurrency },
          style: flagStyle
        },
        batch.display
      )
      const config = {
        ...batch.request,
        baseUrl,
        extension,
        dest: batch.dest,
        names: args.names,
        onExists: batch.onExists
      }
      const summary =
        batch.session === undefined
          ? yield* downloadMany(codes, config, { concurrency, ...shown.hooks })
          : yield* Sessions.downloadMany(codes, config, {
              concurrency,
              ...shown.hooks,
              session: {
                ...batch.session.options,
                // the embedded server's files are the same every run, its port is not
                server: embedded === undefined ? undefined : label,
                onOpen: shown.onOpen
              }
            }).pipe(Effect.provide(Journal.layerFile(batch.session.file)))
      yield* shown.finish(summary)
    })
  )
).pipe(
  Command.withDescription("Download flags with bounded concurrency, as the book's flags2/flags3 clients do."),
  announced({ name: "download", endsOnSignal: false })
)
