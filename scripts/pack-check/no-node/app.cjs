// The same as app.mjs with require(): the CommonJS build of each entry point, without platform-node.
const Effect = require("effect/Effect")
const entries = ["download", "primes", "server", "session", "terminal", "testing"]
const modules = entries.map((entry) => require(`effect-flags/${entry}`))
const root = require("effect-flags")
const saved = Effect.runSync(root.Outcome.toEffect({ id: "BR", status: "OK", file: "BR.png" }))
if (saved.file !== "BR.png" || modules.some((module) => Object.keys(module).length === 0)) {
  throw new Error("an entry point is missing what it exports")
}
console.log(`without platform-node (CommonJS): the root and ${modules.length} entry points load`)
