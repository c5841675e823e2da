// The benchmark's flag server, in its own process so the client's figures are the client's alone.
// Usage: node server.mjs '{"delay": ...}' — prints {"url": ...} once listening; on each "stats" line
// read from stdin it prints {"maxInFlight": n}.
import { createInterface } from "node:readline"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { FlagServer } from "../../dist/lib/index.js"
import { NodeFlagServer } from "../../dist/lib/node/index.js"

const options = JSON.parse(process.argv[2] ?? "{}")
const runtime = ManagedRuntime.make(
  Layer.provide(NodeFlagServer.layer({ quiet: true, ...options }), NodeContext.layer)
)
const server = await runtime.runPromise(FlagServer.FlagServer)
console.log(JSON.stringify({ url: server.baseUrl, codes: server.codes, extension: server.extension }))
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === "stats") {
    console.log(JSON.stringify({ maxInFlight: await runtime.runPromise(server.maxInFlight) }))
  }
}
await runtime.dispose()
