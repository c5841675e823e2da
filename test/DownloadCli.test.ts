/**
 * `flags download` run in-process (the CLI's `run` with an argv), against the real server on a
 * loopback port through the bin's real client (and undici, an embedder's likely choice): what the
 * spawned-bin tests cannot see from outside.
 */
import { readdirSync } from "node:fs"
import * as Terminal from "@effect/platform/Terminal"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import { run } from "../src/Cli.js"
import * as FlagServer from "../src/FlagServer.js"
import * as CliHttpClient from "../src/internal/nodeHttpClient.js"
import { ProgressTerminal } from "../src/Progress.js"
import * as RecordingTerminal from "../src/testing/RecordingTerminal.js"
import { reportCounts, tempDir } from "./support/cli.js"

const flags = (args: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const stdout = yield* RecordingTerminal.make({ isTTY: false })
    const stderr = yield* RecordingTerminal.make({ isTTY: false })
    const exit = yield* run(["node", "flags", ...args]).pipe(
      Effect.provideService(Terminal.Terminal, stdout.terminal),
      Effect.provideService(ProgressTerminal, stderr.terminal),
      Effect.exit
    )
    return { exit, stdout: yield* stdout.recording.output, stderr: yield* stderr.recording.output }
  })

const live = Layer.mergeAll(NodeContext.layer, CliHttpClient.layer)

describe("flags download (in-process, real client, real server)", () => {
  it.live.each([
    { name: "the CLI's node:http client", client: live },
    { name: "undici", client: Layer.mergeAll(NodeContext.layer, NodeHttpClient.layerUndici) }
  ])(
    "the announced concurrency is real: 194 requests in flight at once at the server (no pool cap at 100), $name",
    ({ client }) =>
      Effect.gen(function* () {
        // a delay long enough for all 194 to arrive while the first is held, and a timeout well beyond
        // it, on a machine busy with other work too (starting 194 requests takes a while there)
        const server = yield* FlagServer.make({ delay: "2 seconds" })
        const dest = tempDir()
        const result = yield* flags([
          "download",
          "-a",
          "-m",
          "1000",
          "--timeout",
          "10",
          "-s",
          server.baseUrl,
          "--ext",
          "png",
          "-d",
          dest
        ])
        assert.isTrue(Exit.isSuccess(result.exit), result.stderr)
        assert.include(result.stdout, "Searching for 194 flags: from AD to ZW")
        assert.include(result.stdout, "194 concurrent connections will be used.")
        // all 194 held by the server's 2 s delay at once: one wave, where a pool of 100 makes two
        assert.strictEqual(yield* server.maxInFlight, 194)
        assert.strictEqual(reportCounts(result.stdout).ok, 194)
        assert.strictEqual(readdirSync(dest).length, 194)
        assert.include(result.stderr, "194/194", "the progress bar on the progress terminal")
        assert.notInclude(result.stderr, "\r", "plain lines when not a terminal")
      }).pipe(Effect.scoped, Effect.provide(client)),
    { timeout: 20_000 }
  )

  it.live("errors end the run with DownloadsFailed (exit code 1) after the report", () =>
    Effect.gen(function* () {
      const server = yield* FlagServer.make({ errorRate: 1, seed: 1 })
      const dest = tempDir()
      const result = yield* flags([
        "download",
        "-v",
        "BR",
        "CN",
        "-s",
        server.baseUrl,
        "--ext",
        "png",
        "-d",
        dest
      ])
      assert.isTrue(Exit.isFailure(result.exit))
      if (Exit.isFailure(result.exit)) {
        const error = result.exit.cause._tag === "Fail" ? result.exit.cause.error : undefined
        assert.deepInclude(error, { _tag: "DownloadsFailed", errors: 2 })
      }
      assert.include(result.stdout, "BR error: HTTP error 418 - I'm a Teapot")
      assert.include(result.stdout, "  2 errors.")
      assert.deepStrictEqual(readdirSync(dest), [])
    }).pipe(Effect.scoped, Effect.provide(live))
  )

  it.live("fault options with another server: one warning line, not a silent no-op", () =>
    Effect.gen(function* () {
      const server = yield* FlagServer.make()
      const dest = tempDir()
      const result = yield* flags(["download", "BR", "--error-rate", "1", "-s", server.baseUrl, "-d", dest])
      assert.include(
        result.stderr,
        `flags: --delay, --error-rate, --seed, … shape the EMBEDDED server only; ignored for ${server.baseUrl}\n`
      )
      assert.isTrue(Exit.isSuccess(result.exit))
    }).pipe(Effect.scoped, Effect.provide(live))
  )
})
