/**
 * The flag server: Fluent Python's test servers (`python -m http.server`, `slow_server.py`) as an
 * Effect HTTP server, serving the bundled flags or a folder in the book's layout, with a fault menu.
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import * as HttpMiddleware from "@effect/platform/HttpMiddleware"
import * as HttpServer from "@effect/platform/HttpServer"
import type * as Path from "@effect/platform/Path"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as FlagResponder from "./FlagResponder.js"
import type * as FlagStore from "./FlagStore.js"
import { httpApp } from "./internal/httpAppFlagServer.js"
import { running, urlOf } from "./internal/running.js"
import type { FaultOptions } from "./ServerFaults.js"

/** How to start a flag server; every field is optional. */
export interface FlagServerOptions extends FaultOptions {
  /** Interface to listen on (default 127.0.0.1). */
  readonly host?: string | undefined
  /** Port (default 0: a free one). */
  readonly port?: number | undefined
  /** Serve this folder in the book's layout instead of the bundled flags. */
  readonly dir?: string | undefined
  /** Seeds the fault draws, so a run's sequence of delays and faults repeats. */
  readonly seed?: number | undefined
  /** No log line per request (default true: embedded and library use are silent). */
  readonly quiet?: boolean | undefined
  /**
   * The listen backlog (Node's default 511). Python's `http.server` listens with 5: under a burst of
   * connects the kernel then drops SYNs, and a connect waits for retransmits (1 s, 3 s, …).
   */
  readonly backlog?: number | undefined
  /** Close the connection after every reply, no keep-alive: as Python's HTTP/1.0 servers do. */
  readonly http10?: boolean | undefined
}

/** A running flag server. */
export interface RunningFlagServer {
  /** Where the flags are, e.g. `http://127.0.0.1:41234/flags` (no trailing slash). */
  readonly baseUrl: string
  /** The image extension it serves (`png` for the bundled flags, `gif` for the book's folder). */
  readonly extension: string
  /** Uppercase two-letter codes it publishes, sorted. */
  readonly codes: ReadonlyArray<string>
  /** Requests being answered now. */
  readonly inFlight: Effect.Effect<number>
  /** The most requests answered at once since the server started. */
  readonly maxInFlight: Effect.Effect<number>
  /** Every request since the server started (a look at `/stats` aside). */
  readonly requests: Effect.Effect<number>
  /** The requests answered 429 by the throttle window (`throttleWindow`). */
  readonly throttled: Effect.Effect<number>
}

/** The running flag server of a `layer`. */
export class FlagServer extends Context.Tag("effect-flags/FlagServer")<FlagServer, RunningFlagServer>() {}

/** The server could not start. */
export class FlagServerError extends Data.TaggedError("FlagServerError")<{
  readonly address: string
  readonly cause: unknown
}> {
  override get message() {
    const code = (this.cause as { code?: unknown } | undefined)?.code
    return `cannot listen on ${this.address}${typeof code === "string" ? `: ${code}` : ""}`
  }
}

/**
 * Serves the flags on the platform's `HttpServer` in context (Node, Bun, a test server), for the
 * life of the scope; `host` and `port` are the server's, not options.
 */
export const makeOnHttpServer = (
  options: Omit<FlagServerOptions, "host" | "port"> = {}
): Effect.Effect<
  RunningFlagServer,
  FlagStore.FlagStoreError,
  Scope.Scope | HttpServer.HttpServer | FileSystem.FileSystem | Path.Path
> =>
  Effect.gen(function* () {
    const responder = yield* FlagResponder.make(options)
    // a test server needs no span per request; the tracer middleware would cost more than the reply
    yield* HttpServer.serveEffect()(httpApp(responder)).pipe(
      Effect.locally(HttpMiddleware.currentTracerDisabledWhen, () => true)
    )
    const address = (yield* HttpServer.HttpServer).address
    const baseUrl =
      address._tag === "TcpAddress"
        ? urlOf(address.hostname === "0.0.0.0" ? "127.0.0.1" : address.hostname, address.port)
        : `http://localhost/flags`
    return running(responder, baseUrl)
  })

/** A layer serving the flags on the platform's `HttpServer` it is given (see `makeOnHttpServer`). */
export const layerOnHttpServer = (
  options: Omit<FlagServerOptions, "host" | "port"> = {}
): Layer.Layer<
  FlagServer,
  FlagStore.FlagStoreError,
  HttpServer.HttpServer | FileSystem.FileSystem | Path.Path
> => Layer.scoped(FlagServer, makeOnHttpServer(options))
