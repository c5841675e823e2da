/**
 * Proving a session's files later (`flags verify`): every file the journal says was saved is
 * re-hashed and compared with its journaled size and SHA-256, and with the list's checksum when it
 * gave one — no mtime is trusted here, unlike a resume — partial downloads are listed with the bytes
 * they keep, and the files in dest that the journal does not know are listed beside them.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Arr from "effect/Array"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Checksum from "../download/Checksum.js"
import { isPartialName } from "../download/FileTransfer.js"
import type { Contents, Entry } from "./JournalFormat.js"
import { fileState, isProven } from "./Resume.js"

/**
 * What a file is now: the journal's (`ok`), changed, gone, a download not finished yet (`partial`: no
 * failure, the next run continues it), or not the journal's at all.
 */
export type FileCheck = "ok" | "modified" | "missing" | "partial" | "unknown"

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
  /** Downloads not finished yet, their bytes kept in dest for the next run. */
  readonly partial: number
  /** Files in dest the journal does not know: listed, but no failure (dest may hold other files). */
  readonly unknown: number
}

const bytes = (n: number) => `${n.toLocaleString("en-US")} byte${n === 1 ? "" : "s"}`

/** The digests a saved entry is proved with: its SHA-256, and the list's checksum if it gave another. */
const expectedDigests = (entry: Entry) => {
  const listed =
    entry.checksum === undefined ? undefined : Either.getOrUndefined(Checksum.parse(entry.checksum))
  return { sha256: entry.sha256, listed }
}

const checkSaved = (
  entry: Entry,
  at: string,
  result: (check: FileCheck, detail?: string) => CheckedFile
): Effect.Effect<CheckedFile, never, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const disk = yield* fileState(at)
    if (Option.isNone(disk)) return result("missing")
    if (disk.value.size !== entry.size) {
      return result("modified", `${bytes(disk.value.size)}, journaled ${bytes(entry.size ?? 0)}`)
    }
    const expected = expectedDigests(entry)
    const algorithms =
      expected.listed === undefined || expected.listed.algorithm === "sha-256"
        ? (["sha-256"] as const)
        : (["sha-256", expected.listed.algorithm] as const)
    const digests = yield* Checksum.ofFile(at, algorithms)
    if (Option.isNone(digests)) return result("missing", "cannot be read")
    const found: Partial<Record<Checksum.ChecksumAlgorithm, string>> = digests.value
    if (found["sha-256"] !== expected.sha256) return result("modified", "same size, another SHA-256")
    const listed = expected.listed
    if (listed !== undefined && found[listed.algorithm] !== listed.hex) {
      return result("modified", `not the list's ${listed.algorithm}`)
    }
    return result("ok")
  })

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
        return checkSaved(entry, at, result)
      },
      { concurrency: options.concurrency ?? 16 }
    )
    // every file an entry names is the journal's, checked or not (a skipped file was never hashed)
    const known = new Set([
      ...entries.flatMap((entry) =>
        entry.file === undefined || entry.status === "PARTIAL" ? [] : [entry.file]
      ),
      ...(options.exclude ?? [])
    ])
    // the partial downloads the journal knows (their bytes kept as journaled), by their files
    const partials = new Map(
      entries.flatMap((entry) =>
        entry.status === "PARTIAL" && entry.file !== undefined ? [[entry.file, entry] as const] : []
      )
    )
    const names = yield* fs.readDirectory(dest).pipe(Effect.orElseSucceed(() => []))
    const others = yield* Effect.forEach(
      names.filter((name) => !known.has(name) && !(isPartialName(name) && name.endsWith(".json"))),
      (name) =>
        Effect.map(fileState(path.join(dest, name)), (disk) => {
          if (Option.isNone(disk)) return Option.none<CheckedFile>()
          if (!isPartialName(name))
            return Option.some<CheckedFile>({ file: name, id: undefined, check: "unknown" })
          const entry = partials.get(name)
          const journaled = entry?.size === undefined ? "" : `, journaled ${bytes(entry.size)}`
          return Option.some<CheckedFile>({
            file: name,
            id: entry?.id,
            check: "partial",
            detail: `${bytes(disk.value.size)} kept${journaled}; the next run continues it`
          })
        })
    ).pipe(Effect.map(Arr.getSomes))
    const files = [...checked, ...others].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
    const count = (check: FileCheck) => files.filter((file) => file.check === check).length
    return {
      dest,
      files,
      ok: count("ok"),
      modified: count("modified"),
      missing: count("missing"),
      partial: count("partial"),
      unknown: count("unknown")
    }
  })
