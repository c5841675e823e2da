/** The exit codes of the `flags` command (documented in the README), and which failure gets which. */
import * as Match from "effect/Match"
import type { InvalidCodeArgument } from "../download/CountryCodes.js"
import type { DestinationError } from "../download/Destination.js"
import type { DiskFull } from "../download/DownloadErrors.js"
import type { PrimeCheckFailed } from "../primes/PrimeCheck.js"
import type { PrimePoolError } from "../primes/PrimePool.js"
import type { FlagServerError } from "../server/FlagServer.js"
import type { FlagStoreError } from "../server/FlagStore.js"
import type { JournalError, SessionMismatch } from "../session/Journal.js"
import type { NotAJournal } from "../session/JournalFormat.js"
import type { DownloadsFailed } from "./BatchDisplay.js"
import type { BadList, NetrcUnusable } from "./FetchCommand.js"
import type { PrimeChecksFailed } from "./PrimesCommand.js"
import type { FilesDiffer } from "./VerifyCommand.js"

/** The exit codes. */
export const ExitCode = {
  /** Everything worked (404s included: "not found" is a result, not a failure). */
  Ok: 0,
  /** Some downloads ended in error, or the run could not start (server unreachable, dest unwritable). */
  Failure: 1,
  /** Bad arguments: a usage error was printed; or a session file that is not a journal, or not this run's. */
  Usage: 2,
  /** The disk (or quota) is full: the run stopped at the first file it could not write (wget's 3, file I/O). */
  DiskFull: 3,
  /** Interrupted by Ctrl-C (SIGINT). */
  Interrupted: 130,
  /** Terminated by SIGTERM. */
  Terminated: 143
} as const

/** Every way a command can fail (usage errors aside, which @effect/cli reports). */
export type CommandFailure =
  | DownloadsFailed
  | BadList
  | DestinationError
  | DiskFull
  | FilesDiffer
  | FlagServerError
  | FlagStoreError
  | InvalidCodeArgument
  | JournalError
  | NetrcUnusable
  | NotAJournal
  | PrimeChecksFailed
  | PrimeCheckFailed
  | PrimePoolError
  | SessionMismatch

/** How a failed command ends: its exit code, and the line that says why (none when the command has said it). */
export interface FailureExit {
  readonly code: number
  readonly line: string | undefined
}

const failed = (error: { readonly message: string }): FailureExit => ({
  code: ExitCode.Failure,
  line: `flags: ${error.message}`
})

const usage = (error: { readonly message: string }): FailureExit => ({
  code: ExitCode.Usage,
  line: `flags: ${error.message}`
})

/** The exit of each failure, over every tag: a new failure that is not handled here does not compile. */
export const failureExit: (failure: CommandFailure) => FailureExit = Match.type<CommandFailure>().pipe(
  Match.tagsExhaustive({
    // the report has been printed, and says how many failed
    DownloadsFailed: () => ({ code: ExitCode.Failure, line: undefined }),
    DestinationError: failed,
    // one line for the whole run: the partial files and the journal are kept for the next one
    DiskFull: (error) => ({
      code: ExitCode.DiskFull,
      line: `flags: ${error.message}; the run stopped, its partial files kept: run it again once there is room`
    }),
    // a list that is not one: nothing was fetched, as with any bad argument
    BadList: (error) => ({ code: ExitCode.Usage, line: `flags: ${error.message}` }),
    // each file that differs has its line in the report
    FilesDiffer: () => ({ code: ExitCode.Failure, line: undefined }),
    FlagServerError: failed,
    FlagStoreError: failed,
    InvalidCodeArgument: usage,
    JournalError: failed,
    // a netrc asked for that cannot be read or is not one: nothing was fetched, as with a bad list
    NetrcUnusable: (error) => ({ code: ExitCode.Usage, line: error.message }),
    NotAJournal: usage,
    // each failed check has its line in the report
    PrimeChecksFailed: () => ({ code: ExitCode.Failure, line: undefined }),
    PrimeCheckFailed: failed,
    PrimePoolError: failed,
    SessionMismatch: usage
  })
)
