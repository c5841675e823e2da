/**
 * Testing your own code that uses effect-flags, deterministically: an in-memory HttpClient, TestClock,
 * a recording Terminal, and the real FlagServer on port 0 for an integration test.
 * Run: `npm run example -- testing` (it is also part of `npm test`).
 */

import * as FileSystem from "@effect/platform/FileSystem"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
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
import { downloadMany, FlagClient, FlagServer, withSpinner } from "effect-flags"

// ---- your code: fetch some flags with a spinner, and say how many arrived ----
const fetchFlags = (baseUrl: string, codes: ReadonlyArray<string>) =>
  downloadMany(
    codes,
    { ...FlagClient.defaultRequestOptions, baseUrl, extension: "png", dest: "/flags", names: false },
    { concurrency: 2 }
  ).pipe(
    Effect.map((summary) => `${summary.ok} of ${codes.length} flags`),
    withSpinner("fetching flags")
  )

// ---- fakes: an HttpClient answering after 1 s of Effect time, a FileSystem in a Map, a recording Terminal ----
const slowFlags = Layer.succeed(
  HttpClient.HttpClient,
  HttpClient.make((request, url) =>
    Effect.as(
      Effect.sleep("1 second"),
      HttpClientResponse.fromWeb(
        request,
        url.pathname.includes("/zz/")
          ? new Response(null, { status: 404 })
          : new Response(`image of ${url.pathname}`, { headers: { "content-type": "image/png" } })
      )
    )
  )
)
const files = new Map<string, Uint8Array>()
const memoryFiles = FileSystem.layerNoop({
  writeFile: (path, data) => Effect.sync(() => void files.set(path, data)),
  rename: (from, to) => Effect.sync(() => void files.set(to, files.get(from) ?? new Uint8Array())),
  remove: (path) => Effect.sync(() => void files.delete(path))
})
const written: Array<string> = []
const recordingTerminal = Layer.succeed(
  Terminal.Terminal,
  Terminal.Terminal.of({
    columns: Effect.succeed(80),
    rows: Effect.succeed(24),
    isTTY: Effect.succeed(true),
    readInput: Effect.die("no input"),
    readLine: Effect.die("no input"),
    display: (text) => Effect.sync(() => void written.push(text))
  })
)

describe("fetchFlags (your code)", () => {
  it.effect("takes 2 s of Effect time for 4 flags two at a time, with a spinner meanwhile", () =>
    Effect.gen(function* () {
      const fiber = yield* Effect.fork(fetchFlags("http://flags.test/flags", ["BR", "JP", "ZZ", "FR"]))
      yield* TestClock.adjust("1999 millis")
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(yield* Fiber.join(fiber), "3 of 4 flags")
      assert.isTrue(files.has("/flags/BR.png"))
      assert.isTrue(
        written.some((text) => text.includes("fetching flags")),
        "the spinner drew frames"
      )
    }).pipe(Effect.provide(Layer.mergeAll(slowFlags, memoryFiles, Path.layer, recordingTerminal)))
  )

  it.scoped("works against the real flag server on a free port", () =>
    Effect.gen(function* () {
      const server = yield* FlagServer.make({ port: 0 })
      const dest = yield* FileSystem.FileSystem.pipe(Effect.flatMap((fs) => fs.makeTempDirectoryScoped()))
      const summary = yield* downloadMany(
        ["BR", "ZZ"],
        { ...FlagClient.defaultRequestOptions, baseUrl: server.baseUrl, extension: "png", dest, names: true },
        { concurrency: 2 }
      )
      assert.deepStrictEqual([summary.ok, summary.notFound], [1, 1])
      assert.strictEqual(summary.outcomes.find((o) => o.id === "BR")?.file, "Brazil-BR.png")
    }).pipe(Effect.provide(Layer.mergeAll(NodeContext.layer, NodeHttpClient.layerUndici)), Effect.scoped)
  )
})
