/**
 * The `flags verify` run: a line per file (`ok`, `modified`, `missing`, `unknown`), sorted by name,
 * then a summary; any file modified or missing fails the run (exit 1) after the report.
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Terminal from "@effect/platform/Terminal"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Journal from "../session/Journal.js"
import { NotAJournal } from "../session/JournalFormat.js"
import { type CheckedFile, verify } from "../session/Verify.js"

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

/** A file's line: `modified CN.png: 1,234 bytes, journaled 1,200`. */
export const fileLine = (file: CheckedFile): string =>
  `${file.check.padEnd(9)}${file.file}${file.detail === undefined ? "" : `: ${file.detail}`}`

/** Checks the files of the session journal at `session`, printing each and a summary on the terminal. */
export const runVerify = (options: {
  readonly session: string
}): Effect.Effect<
  void,
  FilesDiffer | NotAJournal | Journal.JournalError,
  Terminal.Terminal | FileSystem.FileSystem | Path.Path
> =>
  Effect.gen(function* () {
    const terminal = yield* Terminal.Terminal
    const path = yield* Path.Path
    const println = (line: string) => Effect.ignore(terminal.display(`${line}\n`))
    const read = yield* Effect.flatMap(Journal.Journal, (journal) => journal.read).pipe(
      Effect.provide(Journal.layerFile(options.session))
    )
    if (Option.isNone(read)) {
      return yield* new NotAJournal({ source: options.session, line: 1, reason: "the file is empty" })
    }
    const contents = read.value
    // the journal itself may be kept in dest: it is no unknown file there
    const session = path.resolve(options.session)
    const exclude =
      path.dirname(session) === path.resolve(contents.header.dest) ? [path.basename(session)] : []
    const verification = yield* verify(contents, { exclude })
    for (const file of verification.files) yield* println(fileLine(file))
    const checked = verification.ok + verification.modified + verification.missing
    const unknown =
      verification.unknown === 0 ? "" : `; ${plural(verification.unknown, "file")} not in the session`
    yield* println(
      `${plural(checked, "file")} checked in ${verification.dest}: ${verification.ok} ok, ${verification.modified} modified, ${verification.missing} missing${unknown}`
    )
    if (verification.modified + verification.missing > 0) {
      return yield* new FilesDiffer({ modified: verification.modified, missing: verification.missing })
    }
  })
