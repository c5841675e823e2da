/** `flags fetch`: any list of URLs, downloaded politely (per-host limits, rates, one pause per throttled host). */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { parseRate } from "../download/HostPolicy.js"
import { batchOptions, batchRunOptionsOf } from "./BatchOptions.js"
import { runFetch } from "./FetchRun.js"
import { announced } from "./RunningCommand.js"
import { invalid, refine } from "./Validation.js"

const urls = Args.text({ name: "URL" }).pipe(
  Args.withDescription("URLs to download (http or https); with -i, these come first."),
  Args.repeated
)

const options = {
  ...batchOptions,
  input: Options.text("input-file").pipe(
    Options.withAlias("i"),
    Options.withDescription(
      "A list of URLs, one a line, each optionally followed by out=NAME (aria2's and wget's -i); - reads standard input."
    ),
    Options.optional
  ),
  maxPerHost: Options.integer("max-per-host").pipe(
    Options.withDescription("Requests in flight to one host (scheme, host, port) at most, inside --max-req."),
    refine(
      (n) => n >= 1 && n <= 1000,
      (n) => `--max-per-host must be between 1 and 1000, got ${n}`
    ),
    Options.optional
  ),
  rate: Options.text("rate").pipe(
    Options.withDescription("Request starts per host at most, spread evenly: 20/s, 300/min, 1000/h."),
    Options.mapEffect((text) =>
      Option.match(parseRate(text), {
        onNone: () => Effect.fail(invalid(`--rate must look like 20/s, 300/min or 1000/h, got ${text}`)),
        onSome: Effect.succeed
      })
    ),
    Options.optional
  )
}

/** The `fetch` subcommand. */
export const fetchCommand = Command.make("fetch", { urls, ...options }, (args) =>
  runFetch({
    ...batchRunOptionsOf(args),
    urls: args.urls,
    input: Option.getOrUndefined(args.input),
    maxPerHost: Option.getOrUndefined(args.maxPerHost),
    rate: Option.getOrUndefined(args.rate)
  })
).pipe(
  Command.withDescription(
    "Download any list of URLs politely: per-host limits and rates, one pause for a host that throttles."
  ),
  announced({ name: "fetch", endsOnSignal: false })
)
