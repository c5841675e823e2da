/** The `flags` command line: descriptions of the commands only; `bin.ts` runs it. */
import * as Command from "@effect/cli/Command"
import { serveCommand } from "./cli/ServeCommand.js"
import { spinCommand } from "./cli/SpinCommand.js"
import { version } from "./Version.js"

/** The root command and its subcommands. */
export const rootCommand = Command.make("flags").pipe(
  Command.withDescription(
    "Fluent Python's concurrency examples with Effect: a spinner, a flag downloader and a flag server."
  ),
  Command.withSubcommands([spinCommand, serveCommand])
)

/** Runs the CLI with an argv as `process.argv` has it (the first two entries are skipped). */
export const run = Command.run(rootCommand, { name: "flags", version })
