import * as NodeContext from "@effect/platform-node/NodeContext"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as FlagStore from "../src/server/FlagStore.js"

describe("FlagStore.bundled", () => {
  it.live(
    "a first read whose requester goes away (a client killed mid-request) leaves the file readable",
    () =>
      Effect.gen(function* () {
        const store = yield* FlagStore.bundled
        // the request's fiber is interrupted while the file is being read for the first time
        const first = yield* Effect.fork(store.file("in", "in.png"))
        yield* Effect.yieldNow()
        yield* Fiber.interrupt(first)
        const again = yield* store.file("in", "in.png").pipe(Effect.timeout("5 seconds"))
        assert.isTrue(Option.isSome(again), "every later request gets the file")
        assert.isAbove(Option.getOrThrow(again).body.length, 100)
      }).pipe(Effect.provide(NodeContext.layer))
  )
})
