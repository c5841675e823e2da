/**
 * `flags download` run in-process (the CLI's `run` with an argv), against a server on a loopback port
 * (the real flag server, or one that holds its answers) through the bin's real client (and undici, an
 * embedder's likely choice): what the spawned-bin tests cannot see from outside.
 */
import { readdirSync } from "node:fs"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as Terminal from "@effect/platform/Terminal"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import { run } from "../src/cli/Cli.js"
import * as NodeFlagServer from "../src/node/NodeFlagServer.js"
import * as CliHttpClient from "../src/node/NodeHttpClient.js"
import { ProgressTerminal } from "../src/terminal/Progress.js"
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

/**
 * A server told exactly when to answer: it holds every request until `n` are held, then answers them
 * all (200, a few bytes), and any later one at once; for the life of the scope.
 */
const heldUntil = (n: number) =>
  Effect.acquireRelease(
    Effect.async<{ readonly baseUrl: string; readonly maxHeld: () => number; readonly server: Http.Server }>(
      (resume) => {
        const held: Array<Http.ServerResponse> = []
        let maxHeld = 0
        let open = false
        const answer = (response: Http.ServerResponse) =>
          response.writeHead(200, { "content-type": "image/png" }).end("not really a PNG")
        const server = Http.createServer((_, response) => {
          if (open) return answer(response)
          held.push(response)
          maxHeld = Math.max(maxHeld, held.length)
          if (held.length === n) {
            open = true
            for (const waiting of held.splice(0)) answer(waiting)
          }
        })
        server.listen(0, "127.0.0.1", () => {
          const { port } = server.address() as AddressInfo
          resume(
            Effect.succeed({ baseUrl: `http://127.0.0.1:${port}/flags`, maxHeld: () => maxHeld, server })
          )
        })
      }
    ),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.close(() => resume(Effect.void))
        server.closeAllConnections()
      })
  )

describe("flags download (in-process, real client, real server)", () => {
  it.live.each([
    { name: "the CLI's node:http client", client: live },
    { name: "undici", client: Layer.mergeAll(NodeContext.layer, NodeHttpClient.layerUndici) }
  ])(
    "the announced concurrency is real: 194 requests in flight at once at the server (no pool cap at 100), $name",
    ({ client }) =>
      Effect.gen(function* () {
        // no answer before all 194 are held, however long a busy machine takes to start them; a client
        // capped below 194 never gets one (vitest's timeout fails it), nor does a phase timeout end it
        const server = yield* heldUntil(194)
        const dest = tempDir()
        const result = yield* flags([
          "download",
          "-a",
          "-m",
          "1000",
          "--timeout",
          "600",
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
        assert.strictEqual(server.maxHeld(), 194)
        assert.strictEqual(reportCounts(result.stdout).ok, 194)
        assert.strictEqual(readdirSync(dest).length, 194)
        assert.include(result.stderr, "194/194", "the progress bar on the progress terminal")
        assert.notInclude(result.stderr, "\r", "plain lines when not a terminal")
      }).pipe(Effect.scoped, Effect.provide(client))
  )

  it.live("errors end the run with DownloadsFailed (exit code 1) after the report", () =>
    Effect.gen(function* () {
      const server = yield* NodeFlagServer.make({ errorRate: 1, seed: 1 })
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
      const server = yield* NodeFlagServer.make()
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
