// Plain node, plain require(), no TypeScript: the first thing a CommonJS user tries.
const Effect = require("effect/Effect")
const { CountryCodes, Outcome } = require("effect-flags")

const codes = CountryCodes.select({ args: ["B"], all: false, every: false })
// an outcome from the package, run by the app's own (CommonJS) Effect
const saved = Effect.runSync(Outcome.toEffect({ id: "BR", status: "OK", file: "BR.png" }))
if (codes._tag !== "Right" || codes.right.length !== 26 || saved.file !== "BR.png") {
  throw new Error(`unexpected: ${JSON.stringify({ codes, saved })}`)
}
console.log(`plain require(): ${codes.right.length} codes for B, from ${require.resolve("effect-flags")}`)
