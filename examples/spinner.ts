/**
 * `withSpinner` around your own long effect. Run: `npm run example -- spinner`
 * (and `npm run example -- spinner | cat` to see the non-terminal behaviour: no animation).
 */

import * as Terminal from "@effect/platform/Terminal"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { withSpinner } from "effect-flags"

// Your own slow work: anything with a typed value and error.
const countPrimes = (below: number) =>
  Effect.gen(function* () {
    let count = 0
    for (let n = 2; n < below; n++) {
      let prime = true
      for (let d = 2; d * d <= n; d++) if (n % d === 0) prime = false
      if (prime) count++
      if (n % 20_000 === 0) yield* Effect.sleep("20 millis") // give the spinner fiber its turns
    }
    return count
  })

// A terminal that says it is not one, as in CI logs: the spinner writes its message once, no frames.
const logFriendlyTerminal = Layer.effect(
  Terminal.Terminal,
  Effect.map(Terminal.Terminal, (terminal) => ({ ...terminal, isTTY: Effect.succeed(false) }))
).pipe(Layer.provide(NodeContext.layer))

const program = Effect.gen(function* () {
  const primes = yield* countPrimes(400_000).pipe(withSpinner("counting primes below 400,000"))
  yield* Console.log(`${primes} primes`)
  const again = yield* withSpinner(countPrimes(100_000), "once more, as a CI log would show it").pipe(
    Effect.provide(logFriendlyTerminal)
  )
  yield* Console.log(`${again} primes`)
})

NodeRuntime.runMain(Effect.provide(program, NodeContext.layer))
