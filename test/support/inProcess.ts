/** The CLI run in-process (its `run` with an argv) on the real disk: stdout and stderr recorded, the Exit kept. */
import * as Terminal from "@effect/platform/Terminal"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { run } from "../../src/cli/Cli.js"
import * as CliHttpClient from "../../src/node/NodeHttpClient.js"
import { ProgressTerminal } from "../../src/terminal/Progress.js"
import * as RecordingTerminal from "../../src/testing/RecordingTerminal.js"

/** `flags ARGS` in-process with the bin's HTTP client and Node's file system. */
export const runInProcess = (args: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const stdout = yield* RecordingTerminal.make({ isTTY: false })
    const stderr = yield* RecordingTerminal.make({ isTTY: false })
    const exit = yield* run(["node", "flags", ...args]).pipe(
      Effect.provideService(Terminal.Terminal, stdout.terminal),
      Effect.provideService(ProgressTerminal, stderr.terminal),
      Effect.provide(Layer.merge(NodeContext.layer, CliHttpClient.layer)),
      Effect.exit
    )
    return { exit, stdout: yield* stdout.recording.output, stderr: yield* stderr.recording.output }
  })
