/** `flags serve`: the book's test servers (`http.server`, `slow_server.py`) with a fault menu. */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Console from "effect/Console"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as FlagServer from "../FlagServer.js"
import type { FaultOptions } from "../ServerFaults.js"
import { faultOptions } from "./ServerOptions.js"
import { refine } from "./Validation.js"

/** The book's three servers: `http.server` on 8000, `slow_server.py` on 8001 and with errors on 8002. */
const presets: Record<string, { readonly port: number; readonly faults: FaultOptions }> = {
  local: { port: 8000, faults: {} },
  delay: { port: 8001, faults: { delay: { min: Duration.millis(500), max: Duration.seconds(5) } } },
  error: {
    port: 8002,
    faults: { delay: { min: Duration.millis(500), max: Duration.seconds(5) }, errorRate: 0.25 }
  }
}

const options = {
  host: Options.text("host").pipe(
    Options.withDescription("Interface to listen on."),
    Options.withDefault("127.0.0.1")
  ),
  port: Options.integer("port").pipe(
    Options.withDescription("Port to listen on (0: any free port). Default 8000, or the preset's."),
    refine(
      (n) => n >= 0 && n <= 65535,
      (n) => `--port must be between 0 and 65535, got ${n}`
    ),
    Options.optional
  ),
  dir: Options.directory("dir", { exists: "yes" }).pipe(
    Options.withDescription("Serve this folder in the book's layout (flags/xx/xx.gif + metadata.json)."),
    Options.optional
  ),
  preset: Options.choice("preset", ["local", "delay", "error"]).pipe(
    Options.withDescription(
      "local: port 8000, no faults; delay: 8001, 0.5–5 s; error: 8002, 0.5–5 s and 25 % 418s."
    ),
    Options.optional
  ),
  quiet: Options.boolean("quiet").pipe(Options.withDescription("No log line per request.")),
  faults: faultOptions
}

const defined = <A extends object>(record: A): Partial<A> =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<A>

/** The `serve` subcommand. */
export const serveCommand = Command.make("serve", options, (args) => {
  const preset = Option.flatMap(args.preset, (name) => Option.fromNullable(presets[name]))
  const port = Option.getOrElse(args.port, () =>
    Option.match(preset, { onNone: () => 8000, onSome: (p) => p.port })
  )
  const faults = {
    ...Option.match(preset, { onNone: () => ({}), onSome: (p) => p.faults }),
    ...defined(args.faults)
  }
  return Effect.scoped(
    Effect.gen(function* () {
      const server = yield* FlagServer.make({
        ...faults,
        host: args.host,
        port,
        dir: Option.getOrUndefined(args.dir),
        quiet: args.quiet
      })
      yield* Console.log(
        `Serving ${server.codes.length} flags (${server.extension}) at ${server.baseUrl}/ — Ctrl-C to stop`
      )
      return yield* Effect.never
    })
  )
}).pipe(
  Command.withDescription("Serve flag images like the book's test servers, with optional delays and faults.")
)
