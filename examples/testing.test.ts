/**
 * Testing your own code that uses effect-flags, deterministically, with the fakes of
 * `effect-flags/testing`: an in-memory HttpClient answering on TestClock time, a FileSystem in a Map,
 * a recording Terminal; and the real FlagServer on port 0 for an integration test.
 * Run: `npm run example -- testing` (it is also part of `npm test`).
 */

import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Terminal from "@effect/platform/Terminal"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import { downloadMany, HttpGet, withSpinner } from "effect-flags"
import { NodeFlagServer } from "effect-flags/node"
import { MemoryFileSystem, MemoryHttpClient, RecordingTerminal } from "effect-flags/testing"

// ---- your code: fetch some flags with a spinner, and say how many arrived ----
const fetchFlags = (baseUrl: string, codes: ReadonlyArray<string>) =>
  downloadMany(
    codes,
    { ...HttpGet.defaultRequestOptions, baseUrl, extension: "png", dest: "/flags", names: false },
    { concurrency: 2 }
  ).pipe(
    Effect.map((summary) => `${summary.ok} of ${codes.length} flags`),
    withSpinner("fetching flags")
  )

describe("fetchFlags (your code)", () => {
  it.effect("takes 2 s of Effect time for 4 flags two at a time, with a spinner meanwhile", () => {
    // a site with BR, JP and FR (ZZ is a 404) answering each request after 1 s of Effect time
    const site = MemoryHttpClient.flagSite(["BR", "JP", "FR"], { delay: "1 second" })
    const files = MemoryFileSystem.make()
    return Effect.gen(function* () {
      const { terminal, recording } = yield* RecordingTerminal.make({ isTTY: true })
      const fiber = yield* fetchFlags("http://flags.test/flags", ["BR", "JP", "ZZ", "FR"]).pipe(
        Effect.provideService(Terminal.Terminal, terminal),
        Effect.fork
      )
      yield* TestClock.adjust("1999 millis")
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(yield* Fiber.join(fiber), "3 of 4 flags")
      assert.strictEqual(site.stats.maxInFlight, 2)
      assert.strictEqual(new TextDecoder().decode(files.state.files.get("/flags/BR.png")), "flag-BR")
      assert.include(yield* recording.output, "fetching flags", "the spinner drew frames")
    }).pipe(Effect.provide(Layer.mergeAll(site.layer, files.layer, Path.layer)))
  })

  it.scoped("works against the real flag server on a free port", () =>
    Effect.gen(function* () {
      const server = yield* NodeFlagServer.make({ port: 0 })
      const dest = yield* FileSystem.FileSystem.pipe(Effect.flatMap((fs) => fs.makeTempDirectoryScoped()))
      const summary = yield* downloadMany(
        ["BR", "ZZ"],
        { ...HttpGet.defaultRequestOptions, baseUrl: server.baseUrl, extension: "png", dest, names: true },
        { concurrency: 2 }
      )
      assert.deepStrictEqual([summary.ok, summary.notFound], [1, 1])
      assert.strictEqual(summary.outcomes.find((o) => o.id === "BR")?.file, "Brazil-BR.png")
    }).pipe(Effect.provide(Layer.mergeAll(NodeContext.layer, NodeHttpClient.layerUndici)))
  )
})
