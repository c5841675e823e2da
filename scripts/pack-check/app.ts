// A tiny app written against the installed package, as an embedder would: a spinner around a real
// download from the package's own flag server.
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Destination, downloadMany, FlagServer, HttpGet, withSpinner } from "effect-flags"
import { NodeFlagServer } from "effect-flags/node"

const program = Effect.gen(function* () {
  const server = yield* FlagServer.FlagServer
  yield* Destination.prepareDestination("flags")
  return yield* downloadMany(
    ["BR", "JP", "ZZ"],
    {
      ...HttpGet.defaultRequestOptions,
      baseUrl: server.baseUrl,
      extension: server.extension,
      dest: "flags",
      names: true
    },
    { concurrency: 3 }
  )
}).pipe(withSpinner("packed"))

Effect.runPromise(
  program.pipe(
    Effect.provide(NodeFlagServer.layer()),
    Effect.provide(Layer.mergeAll(NodeContext.layer, NodeHttpClient.layerUndici))
  )
).then((summary) => {
  const files = summary.outcomes.flatMap((o) => (o.file === undefined ? [] : [o.file])).sort()
  if (summary.ok !== 2 || summary.notFound !== 1 || files.join() !== "Brazil-BR.png,Japan-JP.png") {
    throw new Error(`unexpected summary: ${JSON.stringify(summary)}`)
  }
  console.log(`\npacked library: ${files.join(", ")}; ZZ not found`)
})
