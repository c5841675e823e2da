/**
 * `flags verify` in-process: the library's check of a session's files (in-memory files), and the
 * command on a real dest and journal through the CLI's `run`.
 */
import { unlinkSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import * as Path from "@effect/platform/Path"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import { failureExit } from "../src/cli/ExitCode.js"
import type { Contents, Entry } from "../src/session/JournalFormat.js"
import { verify } from "../src/session/Verify.js"
import * as MemoryFileSystem from "../src/testing/MemoryFileSystem.js"
import { tempDir } from "./support/cli.js"
import { runInProcess as flags } from "./support/inProcess.js"
import { okEntry, savedSession } from "./support/sessions.js"

const bytes = (text: string) => new TextEncoder().encode(text)
const entry = okEntry

describe("Verify.verify", () => {
  it.effect(
    "re-hashes every saved file: ok, modified (size or bytes), missing; other files are unknown",
    () => {
      const files = MemoryFileSystem.make()
      files.state.directories.add("/dest")
      const put = (name: string, text: string) => files.state.files.set(`/dest/${name}`, bytes(text))
      put("BR.png", "flag-BR")
      put("CN.png", "flag-XX") // the same size, other bytes, and the journal's mtime: only a hash tells
      put("DE.png", "flag-DE, longer")
      put("IN.png", "skipped, never hashed")
      put("notes.txt", "mine")
      files.state.directories.add("/dest/sub")
      const entries = [
        entry("BR", "flag-BR"),
        entry("CN", "flag-CN"),
        entry("DE", "flag-DE"),
        entry("FR", "flag-FR", { status: "UNCHANGED" }),
        { id: "IN", status: "SKIPPED", file: "IN.png", at: 0 } as Entry,
        { id: "XX", status: "NOT_FOUND", at: 0 } as Entry,
        { id: "JP", status: "ERROR", error: "timed out", at: 0 } as Entry
      ]
      const contents: Contents = {
        header: { command: "download", dest: "/dest", items: entries.map(({ id }) => ({ id })) },
        entries: new Map(entries.map((e) => [e.id, e])),
        lines: entries.length,
        complete: 0
      }
      return Effect.gen(function* () {
        const verification = yield* verify(contents)
        assert.deepStrictEqual(
          verification.files.map((f) => [f.file, f.check, f.detail]),
          [
            ["BR.png", "ok", undefined],
            ["CN.png", "modified", "same size, another SHA-256"],
            ["DE.png", "modified", "15 bytes, journaled 7 bytes"],
            ["FR.png", "missing", undefined],
            ["notes.txt", "unknown", undefined]
          ]
        )
        assert.deepInclude(verification, { ok: 1, modified: 2, missing: 1, unknown: 1 })
        const excluded = yield* verify(contents, { exclude: ["notes.txt"] })
        assert.strictEqual(excluded.unknown, 0)
      }).pipe(Effect.provide(Layer.merge(files.layer, Path.layer)))
    }
  )
})

describe("flags verify (in-process)", () => {
  it.live("a tampered file, a deleted one and an added one: exactly those reported, and a failure", () =>
    Effect.gen(function* () {
      const { dest, session } = yield* savedSession({
        "BR.png": "flag-BR",
        "CN.png": "flag-CN",
        "DE.png": "flag-DE"
      })
      const intact = yield* flags(["verify", "--session", session])
      assert.isTrue(Exit.isSuccess(intact.exit))
      assert.strictEqual(
        intact.stdout,
        `ok       BR.png\nok       CN.png\nok       DE.png\n3 files checked in ${dest}: 3 ok, 0 modified, 0 missing\n`
      )
      writeFileSync(join(dest, "BR.png"), "flag-XX")
      unlinkSync(join(dest, "CN.png"))
      writeFileSync(join(dest, "extra.png"), "not from the session")
      const tampered = yield* flags(["verify", "--session", session])
      assert.strictEqual(
        tampered.stdout,
        [
          "modified BR.png: same size, another SHA-256",
          "missing  CN.png",
          "ok       DE.png",
          "unknown  extra.png",
          `3 files checked in ${dest}: 1 ok, 1 modified, 1 missing; 1 file not in the session`,
          ""
        ].join("\n")
      )
      assert.isTrue(Exit.isFailure(tampered.exit))
      if (Exit.isFailure(tampered.exit) && tampered.exit.cause._tag === "Fail") {
        const error = tampered.exit.cause.error
        assert.strictEqual(error._tag, "FilesDiffer")
        if (error._tag === "FilesDiffer")
          assert.deepStrictEqual(failureExit(error), { code: 1, line: undefined })
      } else assert.fail("a typed failure")
    })
  )

  it.live("a file that is not a journal is a NotAJournal, exit 2", () =>
    Effect.gen(function* () {
      const file = join(tempDir(), "notes.txt")
      writeFileSync(file, "just some notes\n")
      const result = yield* flags(["verify", "--session", file])
      assert.isTrue(Exit.isFailure(result.exit))
      if (Exit.isFailure(result.exit) && result.exit.cause._tag === "Fail") {
        const error = result.exit.cause.error
        assert.strictEqual(error._tag, "NotAJournal")
        if (error._tag === "NotAJournal") {
          assert.deepStrictEqual(failureExit(error), {
            code: 2,
            line: `flags: ${file} is not a flags session journal (line 1: not a journal header)`
          })
        }
      } else assert.fail("a typed failure")
      assert.strictEqual(result.stdout, "", "nothing checked")
    })
  )
})
