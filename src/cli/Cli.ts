/** The `flags` command line: descriptions of the commands only; `bin.ts` runs it. */
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Usage from "@effect/cli/Usage"
import { downloadCommand } from "./DownloadCommand.js"
import { fetchCommand } from "./FetchCommand.js"
import { primesCommand } from "./PrimesCommand.js"
import { serveCommand } from "./ServeCommand.js"
import { spinCommand } from "./SpinCommand.js"
import { verifyCommand } from "./VerifyCommand.js"
import { version } from "./Version.js"

/** The root command and its subcommands. */
export const rootCommand = Command.make("flags").pipe(
  Command.withDescription(
    "Fluent Python's concurrency examples with Effect: a spinner, a flag downloader (and a polite one for any URLs), a flag server and a prime checker."
  ),
  Command.withSubcommands([
    downloadCommand,
    fetchCommand,
    serveCommand,
    spinCommand,
    primesCommand,
    verifyCommand
  ])
)

const usages: Record<string, Usage.Usage> = {
  download: Command.getUsage(downloadCommand),
  fetch: Command.getUsage(fetchCommand),
  serve: Command.getUsage(serveCommand),
  spin: Command.getUsage(spinCommand),
  primes: Command.getUsage(primesCommand),
  verify: Command.getUsage(verifyCommand)
}

/** The subcommand an argv names (the first argument that is one of the subcommands' names), if any. */
export const subcommandIn = (argv: ReadonlyArray<string>): string | undefined =>
  argv.slice(2).find((arg) => Object.hasOwn(usages, arg))

/** The usage line of a subcommand (or of `flags`), as shown after a usage error. */
export const usage = (subcommand: string | undefined): string => {
  const command = subcommand === undefined ? undefined : usages[subcommand]
  const line = HelpDoc.toAnsiText(Usage.getHelp(command ?? Command.getUsage(rootCommand))).trim()
  return `Usage: ${command === undefined ? line : `flags ${line}`}\nRun 'flags${command === undefined ? "" : ` ${subcommand}`} --help' for the options.`
}

/** Runs the CLI with an argv as `process.argv` has it (the first two entries are skipped). */
export const run = Command.run(rootCommand, { name: "flags", version })
