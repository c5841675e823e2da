// A tiny app written against the installed package, as an embedder would.
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as Effect from "effect/Effect"
import { withSpinner } from "effect-flags"

const program = Effect.sleep("200 millis").pipe(Effect.as(42), withSpinner("packed"))

Effect.runPromise(Effect.provide(program, NodeContext.layer)).then((answer) => {
  if (answer !== 42) throw new Error(`expected 42, got ${answer}`)
  console.log(`\nanswer from the packed library: ${answer}`)
})
