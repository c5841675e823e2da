/** Session journals for tests: the journal a run that saved some files would write; what a journal holds. */
import { createHash } from "node:crypto"
import { existsSync, readFileSync, statSync, watch, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as Effect from "effect/Effect"
import { sha256Hex } from "../../src/download/Checksum.js"
import * as Journal from "../../src/session/Journal.js"
import type { Entry } from "../../src/session/JournalFormat.js"
import { tempDir } from "./cli.js"

/**
 * Writes the journal at `session` of a `flags download` into `dest` that saved `files` (names in
 * dest, each the file of the code before its extension), with an `OK` entry each.
 */
export const journalFiles = (session: string, dest: string, files: ReadonlyArray<string>) =>
  Effect.scoped(
    Effect.gen(function* () {
      const idOf = (file: string) => file.replace(/\.[^.]*$/, "")
      const journal = yield* Journal.open({
        command: "download",
        server: "http://127.0.0.1:8000/flags",
        dest,
        extension: "png",
        items: files.map((file) => ({ id: idOf(file) }))
      })
      for (const file of files) {
        const body = readFileSync(join(dest, file))
        yield* journal.append({
          id: idOf(file),
          status: "OK",
          file,
          size: body.length,
          sha256: createHash("sha256").update(body).digest("hex"),
          mtime: Math.trunc(statSync(join(dest, file)).mtimeMs)
        })
      }
    })
  ).pipe(Effect.provide(Journal.layerFile(session)), Effect.provide(NodeContext.layer))

/** A new dest holding `files` (name → content), and the journal that saved them, in a folder of its own. */
export const savedSession = (files: Readonly<Record<string, string>>) =>
  Effect.gen(function* () {
    const dest = tempDir("flags-verify-dest-")
    const session = join(tempDir("flags-verify-session-"), "session.ndjson")
    for (const [file, content] of Object.entries(files)) writeFileSync(join(dest, file), content)
    yield* journalFiles(session, dest, Object.keys(files))
    return { dest, session }
  })

/** The `OK` entry of `id` saved as `${id}.png` with `content`, at Clock time and mtime `at`. */
export const okEntry = (id: string, content: string, extra: Partial<Entry> = {}, at = 0): Entry => {
  const body = new TextEncoder().encode(content)
  return {
    id,
    status: "OK",
    file: `${id}.png`,
    size: body.length,
    sha256: sha256Hex(body),
    mtime: at,
    at,
    ...extra
  }
}

/** The entries a resuming run would read in the journal at `session`: its whole lines but the header. */
export const journalEntries = (session: string): number => {
  if (!existsSync(session)) return 0
  const text = readFileSync(session, "utf8")
  const whole = text.slice(0, text.lastIndexOf("\n") + 1)
  return Math.max(0, whole.split("\n").length - 2)
}

/**
 * Resolves once the journal at `session` holds `entries` whole entries, watching its folder (the file
 * may not exist yet: a new journal is created by a rename); stops watching when `stop` aborts.
 */
export const journalReaches = (session: string, entries: number, stop: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (stop.aborted) return
    const watcher = watch(dirname(session), { signal: stop }, () => check())
    watcher.on("error", () => undefined)
    const check = () => {
      if (journalEntries(session) < entries) return
      watcher.close()
      resolve()
    }
    check()
  })
