/** The exit codes of the `flags` command, documented in the README. */
export const ExitCode = {
  /** Everything worked (404s included: "not found" is a result, not a failure). */
  Ok: 0,
  /** Some downloads ended in error, or the run could not start (server unreachable, dest unwritable). */
  Failure: 1,
  /** Bad arguments: a usage error was printed. */
  Usage: 2,
  /** Interrupted by Ctrl-C (SIGINT). */
  Interrupted: 130,
  /** Terminated by SIGTERM. */
  Terminated: 143
} as const

/** An exit code carried by a failure that knows its own (e.g. a run that ended with errors). */
export const exitCodeOf = (error: unknown): number =>
  typeof error === "object" && error !== null && "exitCode" in error && typeof error.exitCode === "number"
    ? error.exitCode
    : ExitCode.Failure
