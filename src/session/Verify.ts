/**
 * Proving a session's files later (`flags verify`): every file the journal says was saved is
 * re-hashed and compared with its journaled size and SHA-256 — no mtime is trusted here, unlike a
 * resume — and the files in dest that the journal does not know are listed beside them.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Contents } from "./JournalFormat.js"
import { fileState, hashFile, isProven } from "./Resume.js"

/** What a file is now: the journal's (`ok`), changed, gone, or not the journal's at all. */
export type FileCheck = "ok" | "modified" | "missing" | "unknown"

/** One file of dest, checked. */
export interface CheckedFile {
  /** Its name inside dest. */
  readonly file: string
  /** The item it was saved for; none for an `unknown` file. */
  readonly id: string | undefined
  readonly check: FileCheck
  /** How a modified file differs (`1,234 bytes, journaled 1,200`). */
  readonly detail?: string | undefined
}

/** Every file checked, by name, and the counts. */
export interface Verification {
  readonly dest: string
  readonly files: ReadonlyArray<CheckedFile>
  readonly ok: number
  readonly modified: number
  readonly missing: number
  /** Files in dest the journal does not know: listed, but no failure (dest may hold other files). */
  readonly unknown: number
}

const bytes = (n: number) => `${n.toLocaleString("en-US")} byte${n === 1 ? "" : "s"}`

/**
 * Checks every saved file of a journal (`OK` or `UNCHANGED`, the last entry of each item) in its
 * header's dest, `concurrency` at a time (default 16), and lists the other files there. `exclude`:
 * names in dest not to list as unknown (the journal itself, when it is kept in dest).
 */
export const verify = (
  contents: Contents,
  options: { readonly concurrency?: number | undefined; readonly exclude?: ReadonlyArray<string> } = {}
): Effect.Effect<Verification, never, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const dest = contents.header.dest
    const entries = [...contents.entries.values()]
    const saved = entries.filter(isProven)
    const checked = yield* Effect.forEach(
      saved,
      (entry): Effect.Effect<CheckedFile, never, FileSystem.FileSystem> => {
        const file = entry.file ?? ""
        const at = path.join(dest, file)
        const result = (check: FileCheck, detail?: string): CheckedFile => ({
          file,
          id: entry.id,
          check,
          detail
        })
        return Effect.gen(function* () {
          const disk = yield* fileState(at)
          if (Option.isNone(disk)) return result("missing")
          if (disk.value.size !== entry.size) {
            return result("modified", `${bytes(disk.value.size)}, journaled ${bytes(entry.size ?? 0)}`)
          }
          const hash = yield* hashFile(at)
          if (Option.isNone(hash)) return result("missing", "cannot be read")
          return hash.value === entry.sha256 ? result("ok") : result("modified", "same size, another SHA-256")
        })
      },
      { concurrency: options.concurrency ?? 16 }
    )
    // every file an entry names is the journal's, checked or not (a skipped file was never hashed)
    const known = new Set([
      ...entries.flatMap((entry) => (entry.file === undefined ? [] : [entry.file])),
      ...(options.exclude ?? [])
    ])
    const names = yield* fs.readDirectory(dest).pipe(Effect.orElseSucceed(() => []))
    const others = yield* Effect.filter(
      names.filter((name) => !known.has(name)),
      (name) => Effect.map(fileState(path.join(dest, name)), Option.isSome)
    )
    const files = [
      ...checked,
      ...others.map((file): CheckedFile => ({ file, id: undefined, check: "unknown" }))
    ].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
    const count = (check: FileCheck) => files.filter((file) => file.check === check).length
    return {
      dest,
      files,
      ok: count("ok"),
      modified: count("modified"),
      missing: count("missing"),
      unknown: count("unknown")
    }
  })
