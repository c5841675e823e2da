/**
 * A real full disk: dest on a 4 MiB tmpfs (mounted by the test, which needs root and `mount`; skipped,
 * saying so, elsewhere), the files from nginx. `flags fetch` in a session stops once with one line, exit
 * 3, keeps its partial file and its journal (which is elsewhere); given room (the tmpfs remounted
 * larger), the same command goes on from the bytes kept and ends with every file whole.
 */
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { sha256File, writeBigFile } from "./support/bigFile.js"
import { runCli, tempDir } from "./support/cli.js"
import { haveNginx, type NginxServer, startNginx } from "./support/nginx.js"

const MiB = 1024 * 1024

/** Whether this process may mount a tmpfs (root, with mount on PATH): tried once, on a folder of its own. */
const canMount = (() => {
  if (process.getuid?.() !== 0) return false
  const probe = tempDir("flags-mount-probe-")
  try {
    if (spawnSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe]).status !== 0) return false
    return spawnSync("umount", [probe]).status === 0
  } finally {
    rmSync(probe, { recursive: true, force: true })
  }
})()

const runnable = canMount && haveNginx

describe.skipIf(!runnable)("a real full disk (dest on a 4 MiB tmpfs, files from nginx)", () => {
  const site = tempDir("flags-full-site-")
  const work = tempDir("flags-full-")
  const dest = join(work, "dest")
  const sums = new Map<string, string>()
  let nginx: NginxServer
  beforeAll(async () => {
    for (const name of ["a.bin", "b.bin", "c.bin"]) {
      sums.set(name, await writeBigFile(join(site, name), 3 * MiB, `full-${name}`))
    }
    mkdirSync(dest)
    assert.strictEqual(spawnSync("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", dest]).status, 0)
    nginx = await startNginx(site)
  })
  afterAll(async () => {
    await nginx?.stop()
    spawnSync("umount", [dest])
    rmSync(work, { recursive: true, force: true })
    rmSync(site, { recursive: true, force: true })
  })

  it("stops once (exit 3, one line), keeps the partial and the journal; with room, goes on and ends whole", async () => {
    const list = join(work, "list.txt")
    writeFileSync(list, ["a.bin", "b.bin", "c.bin"].map((name) => `${nginx.baseUrl}/${name}`).join("\n"))
    const session = join(work, "session.ndjson")
    const args = ["fetch", "-i", list, "-d", dest, "--session", session, "-m", "1"]
    // the progress on: its last line is no second message about the disk
    const full = await runCli(args)
    assert.strictEqual(full.code, 3, `${full.stdout}\n${full.stderr}`)
    const said = full.stderr.split("\n").filter((line) => line.includes("the disk is full"))
    assert.strictEqual(said.length, 1, full.stderr)
    assert.include(said[0], join(dest, ".b.bin.partial"))
    assert.notInclude(full.stderr, "    at ", "no stack trace")
    assert.isTrue(existsSync(join(dest, "a.bin")), "the file that fitted is whole")
    assert.strictEqual(await sha256File(join(dest, "a.bin")), sums.get("a.bin"))
    const kept = statSync(join(dest, ".b.bin.partial")).size
    assert.isAbove(kept, 0, "what fitted of the next file is kept")
    assert.isFalse(existsSync(join(dest, "b.bin")) || existsSync(join(dest, "c.bin")))
    const asked = nginx.accessLog().filter((entry) => entry.uri === "/c.bin").length
    assert.strictEqual(asked, 0, "no later file was tried")

    assert.strictEqual(spawnSync("mount", ["-o", "remount,size=16m", dest]).status, 0)
    const before = nginx.accessLog().length
    const resumed = await runCli(args)
    assert.strictEqual(resumed.code, 0, `${resumed.stdout}\n${resumed.stderr}`)
    for (const [name, sum] of sums) assert.strictEqual(await sha256File(join(dest, name)), sum, name)
    assert.deepStrictEqual(readdirSync(dest).sort(), ["a.bin", "b.bin", "c.bin"])
    const log = await nginx.logged((entries) => entries.length >= before + 2)
    const rest = log.slice(before).find((entry) => entry.uri === "/b.bin")
    assert.deepInclude(rest, { status: 206, range: `bytes=${kept}-` })
    const verified = await runCli(["verify", "--session", session])
    assert.strictEqual(verified.code, 0, verified.stdout)
  })
})

describe.skipIf(runnable)("a real full disk", () => {
  it.skip("needs root with mount (for a small tmpfs) and nginx: the real full disk was not tried", () => {})
})
