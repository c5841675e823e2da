/**
 * The flag server: Fluent Python's test servers (`python -m http.server`, `slow_server.py`) as an
 * Effect HTTP server, serving the bundled flags or a folder in the book's layout, with a fault menu.
 */
import * as Http from "node:http"
import type * as FileSystem from "@effect/platform/FileSystem"
import * as HttpMiddleware from "@effect/platform/HttpMiddleware"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import type * as Path from "@effect/platform/Path"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as NodeHttpServerRequest from "@effect/platform-node/NodeHttpServerRequest"
import * as Console from "effect/Console"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import type * as Scope from "effect/Scope"
import * as FlagStore from "./FlagStore.js"
import { type Decision, decide, type FaultOptions, isQuiet } from "./ServerFaults.js"

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
}

/** The running flag server of a `layer`. */
export class FlagServer extends Context.Tag("effect-flags/FlagServer")<FlagServer, RunningFlagServer>() {}

/** The server could not start. */
export class FlagServerError extends Data.TaggedError("FlagServerError")<{
  readonly address: string
  readonly cause: unknown
}> {
  override get message() {
    const code = (this.cause as { cause?: { code?: unknown } } | undefined)?.cause?.code
    return `cannot listen on ${this.address}${typeof code === "string" ? `: ${code}` : ""}`
  }
}

const flagPath = /^\/flags\/([a-z]{2})\/(([a-z]{2})\.[a-z0-9]+|metadata\.json)$/

const notFound = HttpServerResponse.text("404 Not Found\n", { status: 404 })

const send = (file: FlagStore.FlagFile) =>
  HttpServerResponse.uint8Array(file.body, {
    contentType: file.contentType,
    headers: { "content-length": String(file.body.length) }
  })

/** Answers with a broken transfer, writing to the Node response directly (no abstraction can break one). */
const misbehave = (
  request: HttpServerRequest.HttpServerRequest,
  file: FlagStore.FlagFile,
  decision: Decision
) =>
  Effect.suspend(() => {
    const response = NodeHttpServerRequest.toServerResponse(request)
    const half = file.body.subarray(0, Math.floor(file.body.length / 2))
    response.writeHead(200, { "content-type": file.contentType, "content-length": String(file.body.length) })
    switch (decision.fault._tag) {
      case "Reset":
        response.write(half, () => response.socket?.resetAndDestroy())
        return Effect.never
      case "Truncate":
        response.write(half, () => response.socket?.destroy())
        return Effect.never
      case "Stall":
        response.flushHeaders()
        return Effect.never
      case "Slow": {
        const chunk = Math.max(1, Math.floor(decision.fault.bytesPerSecond / 10))
        const write = (offset: number): Effect.Effect<void> =>
          offset >= file.body.length
            ? Effect.async<void>((resume) => {
                response.end(() => resume(Effect.void))
              })
            : Effect.sync(() => response.write(file.body.subarray(offset, offset + chunk))).pipe(
                Effect.zipRight(Effect.sleep("100 millis")),
                Effect.zipRight(Effect.suspend(() => write(offset + chunk)))
              )
        return write(0).pipe(Effect.as(HttpServerResponse.empty()))
      }
      default:
        return Effect.succeed(send(file))
    }
  })

const answer = (
  request: HttpServerRequest.HttpServerRequest,
  file: Option.Option<FlagStore.FlagFile>,
  decision: Decision
): Effect.Effect<HttpServerResponse.HttpServerResponse> => {
  const fault = decision.fault
  if (fault._tag === "Status") {
    const headers = Option.match(fault.retryAfter, {
      onNone: () => ({}),
      onSome: (seconds) => ({ "retry-after": String(seconds) })
    })
    return Effect.succeed(HttpServerResponse.empty({ status: fault.status, headers }))
  }
  if (Option.isNone(file)) return Effect.succeed(notFound)
  if (fault._tag === "None" || request.method === "HEAD") return Effect.succeed(send(file.value))
  return misbehave(request, file.value, decision)
}

/** Starts a flag server for the life of the scope. */
export const make = (
  options: FlagServerOptions = {}
): Effect.Effect<
  RunningFlagServer,
  FlagServerError | FlagStore.FlagStoreError,
  Scope.Scope | FileSystem.FileSystem | Path.Path
> =>
  Effect.gen(function* () {
    const store = yield* options.dir === undefined ? FlagStore.bundled : FlagStore.directory(options.dir)
    const host = options.host ?? "127.0.0.1"
    const quiet = options.quiet ?? true
    const random = options.seed === undefined ? undefined : Random.make(options.seed)
    const noFaults = isQuiet(options)
    const noDecision: Decision = { delay: Duration.zero, fault: { _tag: "None" } }
    const decideOne = noFaults
      ? Effect.succeed(noDecision)
      : random === undefined
        ? decide(options)
        : Effect.withRandom(decide(options), random)
    let inFlight = 0
    let maxInFlight = 0

    const listing = HttpServerResponse.unsafeJson({ extension: store.extension, codes: store.codes })
    const notAllowed = HttpServerResponse.empty({ status: 405, headers: { allow: "GET, HEAD" } })
    // With no faults and no log, a flag's answer never changes: build each response once.
    const ready = new Map<string, HttpServerResponse.HttpServerResponse>()
    const plainAnswer = (key: string, cc: string, name: string) =>
      Effect.map(store.file(cc, name), (file) => {
        const response = Option.match(file, { onNone: () => notFound, onSome: send })
        ready.set(key, response)
        return response
      })

    const faulty = (request: HttpServerRequest.HttpServerRequest, cc: string, name: string) =>
      Effect.gen(function* () {
        const decision = yield* decideOne
        if (Duration.greaterThan(decision.delay, Duration.zero)) yield* Effect.sleep(decision.delay)
        const response = yield* answer(request, yield* store.file(cc, name), decision)
        if (!quiet) {
          const seconds = (Duration.toMillis(decision.delay) / 1000).toFixed(2)
          const fault =
            decision.fault._tag === "None" || decision.fault._tag === "Status"
              ? ""
              : ` ${decision.fault._tag.toLowerCase()}`
          yield* Console.log(`${cc.toUpperCase()} delay: ${seconds}s ${response.status}${fault}`)
        }
        return response
      })

    const route = (request: HttpServerRequest.HttpServerRequest) => {
      const queryAt = request.url.indexOf("?")
      const path = queryAt === -1 ? request.url : request.url.slice(0, queryAt)
      const readOnly = request.method === "GET" || request.method === "HEAD"
      if (path === "/flags" || path === "/flags/") return Effect.succeed(readOnly ? listing : notAllowed)
      const match = flagPath.exec(path)
      const cc = match?.[1]
      const name = match?.[2]
      if (cc === undefined || name === undefined || (match?.[3] !== undefined && match[3] !== cc)) {
        return Effect.succeed(notFound)
      }
      if (!readOnly) return Effect.succeed(notAllowed)
      if (!noFaults || !quiet) return faulty(request, cc, name)
      const cached = ready.get(path)
      return cached === undefined ? plainAnswer(path, cc, name) : Effect.succeed(cached)
    }

    const counted = Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
      inFlight++
      if (inFlight > maxInFlight) maxInFlight = inFlight
      return Effect.ensuring(
        route(request),
        Effect.sync(() => inFlight--)
      )
    })

    const server = Http.createServer({ keepAliveTimeout: 5_000 })
    const address = `${host}:${options.port ?? 0}`
    const httpServer = yield* NodeHttpServer.make(() => server, { host, port: options.port ?? 0 }).pipe(
      Effect.mapError((cause) => new FlagServerError({ address, cause }))
    )
    // Stalled and slow answers keep their connections open: cut them so shutdown never waits on a client.
    yield* Effect.addFinalizer(() => Effect.sync(() => server.closeAllConnections()))
    // a test server needs no span per request; the tracer middleware would cost more than the answer
    yield* httpServer
      .serve(counted)
      .pipe(Effect.locally(HttpMiddleware.currentTracerDisabledWhen, () => true))
    const bound = httpServer.address
    const port = bound._tag === "TcpAddress" ? bound.port : 0
    const hostname = host.includes(":") ? `[${host}]` : host
    return {
      baseUrl: `http://${hostname}:${port}/flags`,
      extension: store.extension,
      codes: store.codes,
      inFlight: Effect.sync(() => inFlight),
      maxInFlight: Effect.sync(() => maxInFlight)
    }
  })

/** A layer running a flag server (Node's HTTP server) for the life of the layer. */
export const layer = (
  options: FlagServerOptions = {}
): Layer.Layer<FlagServer, FlagServerError | FlagStore.FlagStoreError, FileSystem.FileSystem | Path.Path> =>
  Layer.scoped(FlagServer, make(options))
