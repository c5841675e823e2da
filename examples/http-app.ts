/**
 * An HTTP app that downloads flags on request: `GET /download?codes=BR,JP` runs `downloadMany` into
 * ./downloaded-by-app, logs each outcome as it ends, and maps the library's typed errors to HTTP
 * answers. Run: `npm run example -- http-app`, then `curl 'localhost:3000/download?codes=BR,JP,ZZ'`.
 */
import { createServer } from "node:http"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServer from "@effect/platform/HttpServer"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import { CountryCodes, Destination, downloadMany, FlagServer, HttpGet } from "effect-flags"
import { NodeFlagServer } from "effect-flags/node"

const dest = "downloaded-by-app"

const handler = Effect.gen(function* () {
  const server = yield* FlagServer.FlagServer
  const params = yield* HttpServerRequest.ParsedSearchParams
  const requested = String(params.codes ?? "")
    .split(",")
    .filter((code) => code !== "")
  const codes = CountryCodes.select({ args: requested, all: false, every: false, published: server.codes })
  if (Either.isLeft(codes)) {
    return yield* HttpServerResponse.json({ error: codes.left.message }, { status: 400 })
  }
  yield* Destination.prepareDestination(dest)
  const summary = yield* downloadMany(
    codes.right,
    {
      ...HttpGet.defaultRequestOptions,
      baseUrl: server.baseUrl,
      extension: server.extension,
      dest,
      names: true
    },
    {
      concurrency: 5,
      onOutcome: (outcome) =>
        outcome.status === "OK"
          ? Effect.logInfo(`${outcome.id} saved as ${outcome.file}`)
          : Effect.logWarning(outcome.error?.message ?? outcome.id)
    }
  )
  return yield* HttpServerResponse.json(
    {
      ok: summary.ok,
      notFound: summary.notFound,
      error: summary.error,
      files: summary.outcomes.flatMap((o) => (o.file === undefined ? [] : [o.file])),
      failures: summary.outcomes.flatMap((o) =>
        o.status === "ERROR" ? [{ cc: o.id, kind: o.error?._tag, message: o.error?.message }] : []
      )
    },
    // some downloads failed: the upstream misbehaved
    { status: summary.error > 0 ? 502 : 200 }
  )
}).pipe(
  // the destination is ours to fix: a typed error becomes a 500 with a clear message
  Effect.catchTag("DestinationError", (error) =>
    HttpServerResponse.json({ error: error.message }, { status: 500 }).pipe(Effect.orDie)
  ),
  Effect.orDie
)

const router = HttpRouter.empty.pipe(HttpRouter.get("/download", handler))

const App = HttpServer.serve(router).pipe(
  HttpServer.withLogAddress,
  Layer.provide(NodeHttpServer.layer(createServer, { port: 3000, host: "127.0.0.1" })),
  Layer.provide(
    NodeFlagServer.layer({ delay: { min: Duration.millis(100), max: Duration.millis(400) }, errorRate: 0.1 })
  ),
  Layer.provide(Layer.mergeAll(NodeContext.layer, NodeHttpClient.layerUndici))
)

NodeRuntime.runMain(Layer.launch(App))
