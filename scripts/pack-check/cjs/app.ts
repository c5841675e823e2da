// A CommonJS app in TypeScript (`npm init -y` makes "type": "commonjs"), run under tsx: its imports
// become require() calls, which get the package's CommonJS build and the app's own copy of Effect.
import * as Path from "@effect/platform/Path"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { downloadOne, HttpGet, Outcome } from "effect-flags"
import { NodeFlagServer } from "effect-flags/node"
import { MemoryFileSystem } from "effect-flags/testing"

const files = MemoryFileSystem.make()
const program = Effect.gen(function* () {
  // the server reads the bundled flags from the real disk; the download is saved in memory
  const server = yield* NodeFlagServer.make({ port: 0 }).pipe(Effect.provide(NodeContext.layer))
  const saved = yield* downloadOne("BR", {
    ...HttpGet.defaultRequestOptions,
    baseUrl: server.baseUrl,
    extension: server.extension,
    dest: "/flags",
    names: true
  }).pipe(
    Effect.flatMap(Outcome.toEffect),
    Effect.provide(Layer.mergeAll(files.layer, Path.layer, NodeHttpClient.layerUndici))
  )
  return saved.file
})

Effect.runPromise(Effect.scoped(program)).then((file) => {
  if (file !== "Brazil-BR.png" || !files.state.files.has("/flags/Brazil-BR.png")) {
    throw new Error(`unexpected: ${file}`)
  }
  console.log(`CommonJS app under tsx: ${file} (in memory, through effect-flags/testing)`)
})
