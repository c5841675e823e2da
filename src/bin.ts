#!/usr/bin/env node
/** The `flags` executable: the one place that provides Node layers and touches the process. */
import * as ValidationError from "@effect/cli/ValidationError"
import * as HttpClient from "@effect/platform/HttpClient"
import type { Teardown } from "@effect/platform/Runtime"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import { run, subcommandIn, usage } from "./cli/Cli.js"
import { type CommandFailure, ExitCode, failureExit } from "./cli/ExitCode.js"
import { withPlainText } from "./cli/PlainText.js"
import { RunningCommand, type Started } from "./cli/RunningCommand.js"
import * as DiskSpace from "./node/DiskSpace.js"
import * as NodeHttpClientLite from "./node/NodeHttpClient.js"
import * as StderrTerminal from "./node/StderrTerminal.js"
import * as Stdin from "./node/Stdin.js"

let signal: "SIGINT" | "SIGTERM" | undefined
process.once("SIGINT", () => {
  signal ??= "SIGINT"
  // the terminal has echoed "^C" where the cursor was: wipe it, so the line ends up clean
  if (process.stdout.isTTY) process.stdout.write("\r\u001b[K")
})
process.once("SIGTERM", () => {
  signal ??= "SIGTERM"
})

// the subcommand @effect/cli parsed and started, told by the command itself
let started: Started | undefined
const runningCommand = Layer.succeed(RunningCommand, {
  started: (command) =>
    Effect.sync(() => {
      started = command
    })
})

// Effect's default teardown exits 0 on interruption and 1 on any failure; the program below ends with
// its exit code as its value, so only interruptions (signals) and defects are left to tell apart here.
const teardown: Teardown = (exit, onExit) => {
  if (Exit.isSuccess(exit)) return onExit(typeof exit.value === "number" ? exit.value : ExitCode.Ok)
  if (Cause.isInterruptedOnly(exit.cause)) {
    // a server's normal end is a signal; any other command was cut short
    if (started?.endsOnSignal === true && signal !== undefined) return onExit(ExitCode.Ok)
    return onExit(signal === "SIGTERM" ? ExitCode.Terminated : ExitCode.Interrupted)
  }
  onExit(ExitCode.Failure)
}

// Failures reach the user as one line and an exit code: @effect/cli has already printed usage errors,
// each command failure has its own line (or none, when the command reported it), and a defect is
// reported without a stack trace unless FLAGS_DEBUG is set.
const exitCodeOf = <R>(program: Effect.Effect<void, ValidationError.ValidationError | CommandFailure, R>) =>
  program.pipe(
    Effect.as<number>(ExitCode.Ok),
    Effect.catchIf(ValidationError.isValidationError, (error) =>
      // help and version requests are not errors
      ValidationError.isHelpRequested(error)
        ? Effect.succeed(ExitCode.Ok)
        : Effect.as(Console.error(usage(subcommandIn(process.argv))), ExitCode.Usage)
    ),
    Effect.catchAll((failure) => {
      const { code, line } = failureExit(failure)
      // a full disk says how much room was left where it could not write
      const said =
        failure._tag === "DiskFull" && line !== undefined
          ? Effect.map(DiskSpace.freeBytes(failure.path), (free) =>
              free === undefined ? line : `${line} (${free.toLocaleString("en-US")} bytes free there)`
            )
          : Effect.succeed(line)
      return Effect.flatMap(said, (text) =>
        Effect.as(text === undefined ? Effect.void : Console.error(text), code)
      )
    }),
    Effect.tapDefect((cause) =>
      process.env.FLAGS_DEBUG
        ? Console.error(Cause.pretty(cause))
        : Console.error(`flags: internal error: ${Cause.squash(cause)}`)
    )
  )

// styles where they would be garbage (a pipe, a file) or are unwanted (NO_COLOR) are stripped;
// FLAGS_HELP_CAPTURE: the build records the styled help, which the loader prints without the bundle
const colorless = (stream: NodeJS.WriteStream) => () =>
  process.env.FLAGS_HELP_CAPTURE === undefined && (!stream.isTTY || (process.env.NO_COLOR ?? "") !== "")

exitCodeOf(run(process.argv)).pipe(
  // the CLI exports no traces: spans would be built for nobody (~10 % of a 676-code run, measured);
  // metrics still count, and an embedding app keeps its spans
  Effect.locally(HttpClient.currentTracerDisabledWhen, () => true),
  Effect.withTracerEnabled(false),
  withPlainText({ stdout: colorless(process.stdout), stderr: colorless(process.stderr) }),
  // the services the commands ask for, not all of NodeContext: its command executor and workers
  // would load child_process, dgram and worker_threads into every start
  Effect.provide(
    Layer.mergeAll(
      NodeFileSystem.layer,
      NodePath.layer,
      NodeTerminal.layer,
      NodeHttpClientLite.layer,
      StderrTerminal.layer,
      runningCommand,
      Stdin.layer
    )
  ),
  NodeRuntime.runMain({ disableErrorReporting: true, teardown })
)
