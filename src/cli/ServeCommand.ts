/** `flags serve`: the book's test servers (`http.server`, `slow_server.py`) with a fault menu. */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as NodeFlagServer from "../node/NodeFlagServer.js"
import { bookServers } from "./BookServers.js"
import { announced } from "./RunningCommand.js"
import { faultOptions } from "./ServerOptions.js"
import { between, invalid } from "./Validation.js"

// a list, not a repeated option: @effect/cli's `repeated` refuses a single `--port N` ("not a integer")
const ports = Options.text("port").pipe(
  Options.withDescription(
    "Port to listen on (0: any free port), or several, comma-separated (8000,8001): one server on each, each with its own /stats. Default 8000, or the preset's."
  ),
  Options.mapEffect((text) => {
    const ports = text.split(",").map((part) => part.trim())
    const bad = ports.find((part) => !/^\d{1,5}$/.test(part) || Number(part) > 65535)
    return bad === undefined
      ? Effect.succeed(ports.map(Number))
      : Effect.fail(invalid(`--port must be ports between 0 and 65535, comma-separated, got ${text}`))
  }),
  Options.optional
)

const options = {
  host: Options.text("host").pipe(
    Options.withDescription("Interface to listen on."),
    Options.withDefault("127.0.0.1")
  ),
  ports,
  dir: Options.directory("dir", { exists: "yes" }).pipe(
    Options.withDescription("Serve this folder in the book's layout (flags/xx/xx.gif + metadata.json)."),
    Options.optional
  ),
  preset: Options.choice(
    "preset",
    bookServers.map((server) => server.preset)
  ).pipe(
    Options.withDescription(
      bookServers.map((server) => `${server.preset}: ${server.description}`).join("; ")
    ),
    Options.optional
  ),
  quiet: Options.boolean("quiet").pipe(Options.withDescription("No log line per request.")),
  backlog: Options.integer("backlog").pipe(
    Options.withDescription(
      "Listen backlog (default: Node's 511). Python's http.server uses 5: a burst of connects then waits for SYN retransmits."
    ),
    between("backlog", 1, 65535),
    Options.optional
  ),
  http10: Options.boolean("http10").pipe(
    Options.withDescription(
      "Close the connection after every answer (no keep-alive), as HTTP/1.0 servers do."
    )
  ),
  faults: faultOptions
}

const defined = <A extends object>(record: A): Partial<A> =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<A>

/** The `serve` subcommand. */
export const serveCommand = Command.make("serve", options, (args) => {
  const preset = Option.flatMap(args.preset, (name) =>
    Option.fromNullable(bookServers.find((server) => server.preset === name))
  )
  const ports = Option.getOrElse(args.ports, () => [
    Option.match(preset, { onNone: () => 8000, onSome: (p) => p.port })
  ])
  const faults = {
    ...Option.match(preset, { onNone: () => ({}), onSome: (p) => p.faults }),
    ...defined(args.faults)
  }
  return Effect.scoped(
    Effect.gen(function* () {
      // several ports are several hosts to a client: each server counts its own requests
      for (const port of ports) {
        const server = yield* NodeFlagServer.make({
          ...faults,
          host: args.host,
          port,
          dir: Option.getOrUndefined(args.dir),
          quiet: args.quiet,
          backlog: Option.getOrUndefined(args.backlog),
          http10: args.http10
        })
        yield* Console.log(
          `Serving ${server.codes.length} flags (${server.extension}) at ${server.baseUrl}/ — Ctrl-C to stop`
        )
      }
      return yield* Effect.never
    })
  )
}).pipe(
  Command.withDescription("Serve flag images like the book's test servers, with optional delays and faults."),
  announced({ name: "serve", endsOnSignal: true })
)
