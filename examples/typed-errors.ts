/**
 * Reaching the library's typed errors: `Outcome.toEffect` turns an outcome into its file or its
 * typed failure, so `Effect.catchTag` handles each kind by name. Run: `npm run example -- typed-errors`.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Destination, downloadOne, HttpGet, Outcome } from "effect-flags"
import { NodeFlagServer } from "effect-flags/node"

// one flag, or a sentence saying why not: every other failure stays in the error channel, typed
const describe = (cc: string, config: Parameters<typeof downloadOne>[1]) =>
  downloadOne(cc, config).pipe(
    Effect.flatMap(Outcome.toEffect),
    Effect.map((saved) => `${cc}: saved as ${saved.file}`),
    Effect.catchTag("FlagNotFound", (error) => Effect.succeed(`${cc}: no such flag at ${error.url}`)),
    Effect.catchTag("RequestTimeout", (error) => Effect.succeed(`${cc}: ${error.phase} took too long`))
  )

const program = Effect.gen(function* () {
  const server = yield* NodeFlagServer.make({ port: 0, delay: "300 millis" })
  yield* Destination.prepareDestination("downloaded-typed-errors")
  const config = {
    ...HttpGet.defaultRequestOptions,
    baseUrl: server.baseUrl,
    extension: server.extension,
    dest: "downloaded-typed-errors",
    names: false
  }
  console.log(yield* describe("BR", config)) // BR: saved as BR.png
  console.log(yield* describe("ZZ", config)) // ZZ: no such flag at http://127.0.0.1:PORT/flags/zz/zz.png
  console.log(yield* describe("JP", { ...config, timeout: Duration.millis(100) })) // JP: response took too long
})

Effect.runPromise(
  program.pipe(
    Effect.scoped,
    // any other failure (an HTTP status, a broken transfer, a full disk) is still typed here
    Effect.catchAll((error) => Effect.sync(() => console.error(`${error._tag}: ${error.message}`))),
    Effect.provide(Layer.mergeAll(NodeContext.layer, NodeHttpClient.layerUndici))
  )
)
