// An app without @effect/platform-node: the root and every entry point but effect-flags/node load and
// run, as ES modules (app.cjs does the same with require()).
import * as Effect from "effect/Effect"
import * as Root from "effect-flags"
import * as Download from "effect-flags/download"
import * as Primes from "effect-flags/primes"
import * as Server from "effect-flags/server"
import * as Session from "effect-flags/session"
import * as Terminal from "effect-flags/terminal"
import * as Testing from "effect-flags/testing"

const saved = Effect.runSync(Download.Outcome.toEffect({ id: "BR", status: "OK", file: "BR.png" }))
const entries = [
  Download.downloadMany,
  Primes.Primes.isPrime,
  Server.FlagServer.layerOnHttpServer,
  Session.Journal.layerMemory,
  Terminal.withSpinner,
  Testing.MemoryHttpClient.make
]
if (
  saved.file !== "BR.png" ||
  Root.downloadMany !== Download.downloadMany ||
  !entries.every((f) => typeof f === "function")
) {
  throw new Error("an entry point is missing what it exports")
}
console.log(`without platform-node (ESM): the root and ${entries.length} entry points load`)
