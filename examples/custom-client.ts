/**
 * Customising the HTTP client without touching the library: an extra header on every request and a
 * rate limit of 20 requests per second, passed in as an `HttpClient` layer. Run:
 * `npm run example -- custom-client` (it starts the bundled flag server on a free loopback port).
 */

import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as RateLimiter from "effect/RateLimiter"
import { Destination, downloadMany, FlagServer, HttpGet } from "effect-flags"
import { NodeFlagServer } from "effect-flags/node"

// Your client: the Node one, plus a header and a token bucket. The library only asks for `HttpClient`.
const PoliteClient = Layer.scoped(
  HttpClient.HttpClient,
  Effect.gen(function* () {
    const client = yield* HttpClient.HttpClient
    const limit = yield* RateLimiter.make({ limit: 20, interval: "1 second" })
    return client.pipe(
      HttpClient.mapRequest(HttpClientRequest.setHeader("user-agent", "my-app/1.0 (+https://example.org)")),
      HttpClient.transform((response) => limit(response))
    )
  })
).pipe(Layer.provide(NodeHttpClient.layerUndici))

const program = Effect.gen(function* () {
  const server = yield* FlagServer.FlagServer
  const dest = "downloaded-politely"
  yield* Destination.prepareDestination(dest)
  const started = Date.now()
  const summary = yield* downloadMany(
    server.codes.slice(0, 40),
    {
      ...HttpGet.defaultRequestOptions,
      baseUrl: server.baseUrl,
      extension: server.extension,
      dest,
      names: false
    },
    { concurrency: 10 }
  )
  // 40 requests at 20 per second: about 1 s whatever the concurrency
  yield* Console.log(`${summary.ok} flags in ${((Date.now() - started) / 1000).toFixed(2)} s into ./${dest}`)
})

Effect.runPromise(
  program.pipe(
    Effect.provide(NodeFlagServer.layer()),
    Effect.provide(Layer.mergeAll(PoliteClient, NodeContext.layer))
  )
)
