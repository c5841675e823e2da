#!/usr/bin/env node
/** The `flags` executable: the one place that provides Node layers and touches the process. */
import * as ValidationError from "@effect/cli/ValidationError"
import * as HttpClient from "@effect/platform/HttpClient"
import type { Teardown } from "@effect/platform/Runtime"
import * as Terminal from "@effect/platform/Terminal"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { run, usage } from "./Cli.js"
import { ExitCode, exitCodeOf } from "./ExitCode.js"
import * as NodeHttpClientLite from "./internal/nodeHttpClient.js"
import { ProgressTerminal } from "./Progress.js"

const subcommand = process.argv.slice(2).find((arg) => !arg.startsWith("-"))
let signal: "SIGINT" | "SIGTERM" | undefined
process.once("SIGINT", () => {
  signal ??= "SIGINT"
  // the terminal has echoed "^C" where the cursor was: wipe it, so the line ends up clean
  if (process.stdout.isTTY) process.stdout.write("\r\u001b[K")
})
process.once("SIGTERM", () => {
  signal ??= "SIGTERM"
})

// Effect's default teardown exits 0 on interruption and 1 on any failure; ours tells them apart.
const teardown: Teardown = (exit, onExit) => {
  if (Exit.isSuccess(exit)) return onExit(ExitCode.Ok)
  if (Cause.isInterruptedOnly(exit.cause)) {
    // a server's normal end is a signal; any other command was cut short
    if (subcommand === "serve" && signal !== undefined) return onExit(ExitCode.Ok)
    return onExit(signal === "SIGTERM" ? ExitCode.Terminated : ExitCode.Interrupted)
  }
  const failure = Cause.failureOption(exit.cause)
  if (Option.isSome(failure)) {
    return onExit(
      ValidationError.isValidationError(failure.value) ? ExitCode.Usage : exitCodeOf(failure.value)
    )
  }
  onExit(ExitCode.Failure)
}

// Failures reach the user as one line: @effect/cli has already printed usage errors, domain errors
// carry their own message, and a defect is reported without a stack trace unless FLAGS_DEBUG is set.
const reportFailure = <A, E, R>(program: Effect.Effect<A, E, R>) =>
  Effect.tapErrorCause(program, (cause) => {
    if (Cause.isInterruptedOnly(cause)) return Effect.void
    const failure = Cause.failureOption(cause)
    if (Option.isSome(failure)) {
      const error = failure.value
      if (ValidationError.isValidationError(error)) {
        // @effect/cli printed the error; help and version requests are not errors
        return ValidationError.isHelpRequested(error) ? Effect.void : Console.error(usage(subcommand))
      }
      if (typeof error === "object" && error !== null && "reported" in error && error.reported === true) {
        return Effect.void
      }
      return Console.error(`flags: ${error instanceof Error ? error.message : String(error)}`)
    }
    return process.env.FLAGS_DEBUG
      ? Console.error(Cause.pretty(cause))
      : Console.error(`flags: internal error: ${Cause.squash(cause)}`)
  })

// @effect/cli styles help and errors with ANSI codes whatever the output is; strip them where they
// would be garbage (a pipe, a file) or are unwanted (NO_COLOR, https://no-color.org).
const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, "g")
const plain = (args: ReadonlyArray<unknown>) =>
  args.map((a) => (typeof a === "string" ? a.replace(ansi, "") : a))
const colorless = (stream: NodeJS.WriteStream) => !stream.isTTY || (process.env.NO_COLOR ?? "") !== ""
const withPlainText = <A, E, R>(program: Effect.Effect<A, E, R>) =>
  Console.consoleWith((console) =>
    Console.withConsole(program, {
      ...console,
      log: (...args) => console.log(...(colorless(process.stdout) ? plain(args) : args)),
      error: (...args) => console.error(...(colorless(process.stderr) ? plain(args) : args))
    })
  )

// Progress goes to stderr so stdout keeps the reports: a Terminal over process.stderr.
const stderrTerminal = Layer.succeed(
  ProgressTerminal,
  Terminal.Terminal.of({
    columns: Effect.sync(() => process.stderr.columns ?? 80),
    rows: Effect.sync(() => process.stderr.rows ?? 24),
    isTTY: Effect.sync(() => process.stderr.isTTY === true),
    readInput: Effect.dieMessage("stderr has no input"),
    readLine: Effect.dieMessage("stderr has no input"),
    display: (text) =>
      Effect.async((resume) => {
        process.stderr.write(text, () => resume(Effect.void))
      })
  })
)

run(process.argv).pipe(
  // the CLI exports no traces: spans would be built for nobody (~10 % of a 676-code run, measured);
  // metrics still count, and an embedding app keeps its spans
  Effect.locally(HttpClient.currentTracerDisabledWhen, () => true),
  Effect.withTracerEnabled(false),
  reportFailure,
  withPlainText,
  // the services the commands ask for, not all of NodeContext: its command executor and workers
  // would load child_process, dgram and worker_threads into every start
  Effect.provide(
    Layer.mergeAll(
      NodeFileSystem.layer,
      NodePath.layer,
      NodeTerminal.layer,
      NodeHttpClientLite.layer,
      stderrTerminal
    )
  ),
  NodeRuntime.runMain({ disableErrorReporting: true, teardown })
)
