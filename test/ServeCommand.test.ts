/** `flags serve` run in-process (the CLI's `run` with an argv): its URL line, log lines, presets, usage errors. */
import * as ValidationError from "@effect/cli/ValidationError"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Console from "effect/Console"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import { run } from "../src/cli/Cli.js"
import { ProgressTerminal } from "../src/terminal/Progress.js"
import * as RecordingTerminal from "../src/testing/RecordingTerminal.js"
import { eventually } from "./support/eventually.js"
import { rawRequest } from "./support/http.js"

// what the CLI needs: Node's platform, an HTTP client and a progress terminal (for `download`)
const cliLayer = Layer.mergeAll(
  NodeContext.layer,
  NodeHttpClient.layerUndici,
  Layer.effect(
    ProgressTerminal,
    Effect.map(RecordingTerminal.make({ isTTY: false }), (recording) => recording.terminal)
  )
)

// starts `flags serve …` in a fiber, recording what it logs; resolves once it has printed its URL
const serve = (args: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const lines: Array<string> = []
    const fiber = yield* Console.consoleWith((console) =>
      Console.withConsole(run(["node", "flags", "serve", ...args]), {
        ...console,
        log: (...parts) => Effect.sync(() => lines.push(parts.join(" ")))
      })
    ).pipe(Effect.provide(cliLayer), Effect.fork)
    yield* eventually(
      Effect.sync(() => lines.length > 0),
      "the URL line"
    )
    const url = /(http:\/\/\S+)\/ /.exec(lines[0] ?? "")?.[1]
    assert.isDefined(url, `no URL in ${lines[0]}`)
    return { fiber, lines, url: url ?? "" }
  })

// the run's failure is a usage error (what bin.ts turns into exit code 2); @effect/cli's message is dropped.
// A value taken for a valid one starts the server instead, which runs until interrupted: its URL line
// ends the run (vitest's timeout ends a run that does neither)
const usageError = (args: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const serving = yield* Deferred.make<void>()
    const exit = yield* Console.consoleWith((console) =>
      Console.withConsole(run(["node", "flags", "serve", ...args]), {
        ...console,
        log: () => Deferred.succeed(serving, undefined),
        error: () => Effect.void
      })
    ).pipe(Effect.provide(cliLayer), Effect.exit, Effect.raceFirst(Deferred.await(serving)))
    return (
      exit !== undefined &&
      Exit.isFailure(exit) &&
      Option.exists(Cause.failureOption(exit.cause), ValidationError.isValidationError)
    )
  })

describe("flags serve (in-process)", () => {
  it.scoped("prints its URL, logs each request, and stops cleanly when interrupted", () =>
    Effect.gen(function* () {
      const server = yield* serve(["--port", "0", "--error-rate", "1", "--error-status", "503"])
      assert.match(server.lines[0] ?? "", /^Serving 252 flags \(png\) at http:\/\/127\.0\.0\.1:\d+\/flags\/ /)
      assert.strictEqual((yield* rawRequest(server.url, "/flags/br/br.png")).status, 503)
      assert.strictEqual(server.lines[1], "BR delay: 0.00s 503")
      yield* Fiber.interrupt(server.fiber)
      assert.isDefined((yield* rawRequest(server.url, "/flags/br/br.png")).error, "still listening")
    })
  )

  it.scoped("--quiet logs nothing per request", () =>
    Effect.gen(function* () {
      const server = yield* serve(["--port", "0", "--quiet"])
      assert.strictEqual((yield* rawRequest(server.url, "/flags/br/br.png")).status, 200)
      assert.strictEqual(server.lines.length, 1)
      yield* Fiber.interrupt(server.fiber)
    })
  )

  it.scoped("--preset delay waits 0.5 to 5 s of Effect time per answer; --port wins over the preset's", () =>
    Effect.gen(function* () {
      const server = yield* serve(["--preset", "delay", "--port", "0"])
      for (const cc of ["br", "cn", "de"]) {
        const request = yield* Effect.fork(rawRequest(server.url, `/flags/${cc}/${cc}.png`))
        // once the answer's delay is asleep on the TestClock, 5 s of Effect time must end it
        yield* eventually(Effect.map(TestClock.sleeps(), Chunk.isNonEmpty), "the delay")
        yield* TestClock.adjust("5 seconds")
        assert.strictEqual((yield* Fiber.join(request)).status, 200)
      }
      const delays = server.lines.slice(1).map((line) => Number(/delay: ([\d.]+)s 200$/.exec(line)?.[1]))
      assert.lengthOf(delays, 3)
      for (const delay of delays) assert.isTrue(delay >= 0.5 && delay <= 5, `${delay}`)
      yield* Fiber.interrupt(server.fiber)
    })
  )

  it.live("bad option values are usage errors", () =>
    Effect.gen(function* () {
      for (const args of [
        ["--delay", "5s..1s"],
        ["--delay", "soon"],
        ["--error-rate", "2"],
        ["--seed", "-1"],
        ["--port", "70000"],
        ["--preset", "fast"],
        ["--dir", "/nonexistent/flags"]
      ]) {
        assert.isTrue(yield* usageError(args), args.join(" "))
      }
    })
  )
})
