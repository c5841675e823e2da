/** `flags verify --session FILE`: proves a session's files against its journal's sizes and hashes. */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import { announced } from "./RunningCommand.js"

const session = Options.file("session", { exists: "yes" }).pipe(
  Options.withDescription("The session journal, as given to --session of flags download or flags fetch.")
)

/** The `verify` subcommand. */
export const verifyCommand = Command.make("verify", { session }, (options) =>
  // the run, the journal's reader and the hashing are loaded only by this command
  Effect.flatMap(
    Effect.promise(() => import("./VerifyRun.js")),
    ({ runVerify }) => runVerify({ session: options.session })
  )
).pipe(
  Command.withDescription(
    "Check every file a session saved against the size and SHA-256 its journal recorded: ok, modified, missing; and list the files in dest the session does not know."
  ),
  announced({ name: "verify", endsOnSignal: false })
)
