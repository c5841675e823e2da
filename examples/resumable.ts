/**
 * A batch of your own app that resumes where it stopped: `Sessions.downloadMany`, in a session of a journal kept
 * in a file. The first run is cut short (interrupted once 8 flags are saved); the second run, with the
 * same journal, asks only for what is not done. Run: `npm run example -- resumable`.
 */
import { rmSync } from "node:fs"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { CountryCodes, Destination, FlagServer, HttpGet, Journal, Sessions } from "effect-flags"
import { NodeFlagServer } from "effect-flags/node"

const dest = "downloaded-resumable"
const journal = `${dest}.session.ndjson`

const program = Effect.gen(function* () {
  const server = yield* FlagServer.FlagServer
  yield* Destination.prepareDestination(dest)
  const config = {
    ...HttpGet.defaultRequestOptions,
    baseUrl: server.baseUrl,
    extension: server.extension,
    dest,
    names: false
  }
  const codes = [...CountryCodes.top20].sort()
  // the session's server is a name, not the URL: this server's port changes every run, its flags do not
  const session = { server: "example" }

  // run 1: one at a time, stopped once 8 flags are saved, as a Ctrl-C would stop it
  let saved = 0
  const stopped = yield* Effect.makeLatch()
  yield* Sessions.downloadMany(codes, config, {
    concurrency: 1,
    session,
    onOutcome: () => (++saved === 8 ? stopped.open : Effect.void)
  }).pipe(Effect.raceFirst(stopped.await), Effect.provide(Journal.layerFile(journal)))
  console.log(`run 1 stopped after ${saved} flags`) // run 1 stopped after 8 flags

  // run 2: the same journal; what is done is not asked for again
  const summary = yield* Sessions.downloadMany(codes, config, { concurrency: 2, session }).pipe(
    Effect.provide(Journal.layerFile(journal))
  )
  console.log(`run 2: ${summary.ok - summary.resumed} downloaded, ${summary.resumed} resumed`) // run 2: 12 downloaded, 8 resumed
})

Effect.runPromise(
  program.pipe(
    Effect.provide(NodeFlagServer.layer({ delay: "50 millis" })),
    Effect.provide(Layer.mergeAll(NodeContext.layer, NodeHttpClient.layerUndici)),
    Effect.ensuring(
      Effect.sync(() => {
        rmSync(dest, { recursive: true, force: true })
        rmSync(journal, { force: true })
      })
    )
  )
).catch((error) => console.error(error))
