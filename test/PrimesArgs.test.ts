/**
 * The argv of `flags primes` and `flags spin --work prime`, through the real CLI in-process: every
 * bad number, worker count and mix of options is a usage error, and nothing is checked or printed.
 */
import * as ValidationError from "@effect/cli/ValidationError"
import * as FileSystem from "@effect/platform/FileSystem"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Path from "@effect/platform/Path"
import * as Terminal from "@effect/platform/Terminal"
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { run } from "../src/cli/Cli.js"
import { ProgressTerminal } from "../src/terminal/Progress.js"
import * as RecordingTerminal from "../src/testing/RecordingTerminal.js"

const runArgv = (argv: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const out = yield* RecordingTerminal.make({ isTTY: false })
    const exit = yield* run(["node", "flags", ...argv]).pipe(
      Effect.provide(
        Layer.mergeAll(
          Layer.succeed(
            HttpClient.HttpClient,
            HttpClient.make(() => Effect.die("no request expected"))
          ),
          FileSystem.layerNoop({}),
          Path.layer
        )
      ),
      Effect.provideService(Terminal.Terminal, out.terminal),
      Effect.provideService(ProgressTerminal, out.terminal),
      (program) =>
        Console.consoleWith((current) =>
          Console.withConsole(program, { ...current, error: () => Effect.void, log: () => Effect.void })
        ),
      Effect.exit
    )
    return { exit, output: yield* out.recording.output }
  })

const isUsageError = (exit: Exit.Exit<unknown, unknown>) =>
  Exit.isFailure(exit) &&
  Option.match(Cause.failureOption(exit.cause), {
    onNone: () => false,
    onSome: (error) => ValidationError.isValidationError(error) && !ValidationError.isHelpRequested(error)
  })

// each argv, after `flags <command>`, is a usage error that checks and prints nothing
const usageErrors = (command: string, argvs: ReadonlyArray<ReadonlyArray<string>>) =>
  Effect.forEach(argvs, (bad) =>
    Effect.map(runArgv([command, ...bad]), ({ exit, output }) => {
      assert.isTrue(isUsageError(exit), bad.join(" "))
      assert.strictEqual(output, "", bad.join(" "))
    })
  )

describe("usage errors", () => {
  it.effect("flags primes: bad numbers and worker counts", () =>
    usageErrors("primes", [
      ["3.5"],
      ["abc"],
      ["1e9"],
      ["+7"],
      ["--", "-5"],
      ["18446744073709551616"],
      ["1__2"],
      ["_12"],
      ["7", ""],
      ["-w", "0"],
      ["-w", "65"],
      ["-w", "two"]
    ])
  )

  it.effect("flags spin: options of the other work, and bad values", () =>
    usageErrors("spin", [
      ["--runner", "worker"],
      ["--number", "7"],
      ["--yield-every", "5"],
      ["--work", "prime", "--seconds", "2"],
      ["--work", "prime", "--yield-every", "5"],
      ["--work", "prime", "--runner", "blocking", "--yield-every", "5"],
      ["--work", "prime", "--runner", "yielding", "--yield-every", "0"],
      ["--work", "prime", "--number", "-7"],
      ["--work", "prime", "--number", "1e9"],
      ["--work", "prime", "--number", "18446744073709551616"],
      ["--work", "prime", "--runner", "threads"],
      ["--work", "primes"]
    ])
  )

  it.effect("the edges that are valid: 0, 1 and 2^64 − 1, grouped digits", () =>
    Effect.gen(function* () {
      const { exit, output } = yield* runArgv(["primes", "-w", "1", "0", "1", "18_446_744_073_709_551_615"])
      assert.isTrue(Exit.isSuccess(exit))
      assert.match(output, /^Checking 3 numbers in the main fiber:\n {15}0 {5}\d\.\d{6}s\n {15}1 {5}/)
      assert.match(output, /^18446744073709551615 {5}\d\.\d{6}s$/m)
    })
  )
})
