/**
 * `flags verify --session FILE`: proves a session's files against its journal's sizes and hashes (and
 * the list's checksums), a line per file (`ok`, `modified`, `missing`, `partial`, `unknown`), sorted by
 * name, then a summary; any file modified or missing fails the run (exit 1) after the report.
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Path from "@effect/platform/Path"
import * as Terminal from "@effect/platform/Terminal"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Journal from "../session/Journal.js"
import { NotAJournal } from "../session/JournalFormat.js"
import { type CheckedFile, verify } from "../session/Verify.js"
import { announced } from "./RunningCommand.js"

const session = Options.file("session", { exists: "yes" }).pipe(
  Options.withDescription("The session journal, as given to --session of flags download or flags fetch.")
)

/** Some files are not the session's any more; the report has been printed. */
export class FilesDiffer extends Data.TaggedError("FilesDiffer")<{
  readonly modified: number
  readonly missing: number
}> {
  override get message() {
    return `${this.modified} modified, ${this.missing} missing`
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`

// a file's line: `modified CN.png: 1,234 bytes, journaled 1,200`
const fileLine = (file: CheckedFile): string =>
  `${file.check.padEnd(9)}${file.file}${file.detail === undefined ? "" : `: ${file.detail}`}`

/** The `verify` subcommand: the report on the terminal; `FilesDiffer` after it when files changed. */
export const verifyCommand = Command.make("verify", { session }, (args) =>
  Effect.gen(function* () {
    const terminal = yield* Terminal.Terminal
    const path = yield* Path.Path
    const println = (line: string) => Effect.ignore(terminal.display(`${line}\n`))
    const read = yield* Effect.flatMap(Journal.Journal, (journal) => journal.read).pipe(
      Effect.provide(Journal.layerFile(args.session))
    )
    if (Option.isNone(read)) {
      return yield* new NotAJournal({ source: args.session, line: 1, reason: "the file is empty" })
    }
    const contents = read.value
    // the journal itself may be kept in dest: it is no unknown file there
    const journal = path.resolve(args.session)
    const exclude =
      path.dirname(journal) === path.resolve(contents.header.dest) ? [path.basename(journal)] : []
    const verification = yield* verify(contents, { exclude })
    for (const file of verification.files) yield* println(fileLine(file))
    const checked = verification.ok + verification.modified + verification.missing
    const partial =
      verification.partial === 0
        ? ""
        : `; ${plural(verification.partial, "download")} not finished (the next run continues ${verification.partial === 1 ? "it" : "them"})`
    const unknown =
      verification.unknown === 0 ? "" : `; ${plural(verification.unknown, "file")} not in the session`
    yield* println(
      `${plural(checked, "file")} checked in ${verification.dest}: ${verification.ok} ok, ${verification.modified} modified, ${verification.missing} missing${partial}${unknown}`
    )
    if (verification.modified + verification.missing > 0) {
      return yield* new FilesDiffer({ modified: verification.modified, missing: verification.missing })
    }
  })
).pipe(
  Command.withDescription(
    "Check every file a session saved against the size and SHA-256 its journal recorded, and the list's checksum if it gave one: ok, modified, missing; list the downloads not finished (partial) and the files in dest the session does not know."
  ),
  announced({ name: "verify", endsOnSignal: false })
)
