/**
 * `flags verify` through the real bin: flags downloaded by `flags download` from a `flags serve`
 * process, journaled, then one tampered with, one deleted and one added: exactly those reported.
 */
import { readdirSync, unlinkSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { runCli, tempDir } from "./support/cli.js"
import { bundledPng, startFlagsServe } from "./support/servers.js"
import { journalFiles } from "./support/sessions.js"

describe("flags verify (the real bin)", () => {
  it("after tampering with one file, deleting another and adding a third: exactly those, exit 1", async () => {
    const server = await startFlagsServe(["--quiet"])
    try {
      const dest = tempDir()
      const codes = ["BR", "CN", "DE", "FR", "JP"]
      const download = await runCli(["download", ...codes, "-s", server.baseUrl, "--ext", "png", "-d", dest])
      assert.strictEqual(download.code, 0, download.stderr)
      const files = readdirSync(dest).sort()
      assert.deepStrictEqual(files, ["BR.png", "CN.png", "DE.png", "FR.png", "JP.png"])
      // the journal kept in dest itself: it is not an unknown file there
      const session = join(dest, "session.ndjson")
      await Effect.runPromise(journalFiles(session, dest, files))
      const intact = await runCli(["verify", "--session", session])
      assert.strictEqual(intact.code, 0, intact.stderr)
      assert.strictEqual(
        intact.stdout.trimEnd().split("\n").at(-1),
        `5 files checked in ${dest}: 5 ok, 0 modified, 0 missing`
      )

      writeFileSync(join(dest, "CN.png"), "not a flag")
      unlinkSync(join(dest, "FR.png"))
      writeFileSync(join(dest, "notes.txt"), "mine")
      const result = await runCli(["verify", "--session", session])
      assert.strictEqual(result.code, 1)
      assert.strictEqual(result.stderr, "")
      assert.deepStrictEqual(result.stdout.trimEnd().split("\n"), [
        "ok       BR.png",
        `modified CN.png: 10 bytes, journaled ${bundledPng("cn").length.toLocaleString("en-US")} bytes`,
        "ok       DE.png",
        "missing  FR.png",
        "ok       JP.png",
        "unknown  notes.txt",
        `5 files checked in ${dest}: 3 ok, 1 modified, 1 missing; 1 file not in the session`
      ])
    } finally {
      await server.stop()
    }
  })

  it("a file that is not a journal: one line, exit 2; a session file that does not exist: a usage error", async () => {
    const dir = tempDir()
    const notes = join(dir, "notes.txt")
    writeFileSync(notes, "some notes\n")
    const notJournal = await runCli(["verify", "--session", notes])
    assert.strictEqual(notJournal.code, 2)
    assert.strictEqual(
      notJournal.stderr,
      `flags: ${notes} is not a flags session journal (line 1: not a journal header)\n`
    )
    assert.strictEqual(notJournal.stdout, "")
    const missing = await runCli(["verify", "--session", join(dir, "none.ndjson")])
    assert.strictEqual(missing.code, 2)
    assert.include(missing.stderr, "must exist")
    assert.include(missing.stderr, "Usage: flags verify")
  })
})
