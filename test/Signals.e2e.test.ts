/**
 * Ctrl-C and SIGTERM at random moments (seeded, so a failure repeats): every run exits 130 / 143
 * within a second of the signal, prints the (partial) report, and leaves only complete files. A moment
 * counts from when the bin shows it runs (its first output), and the second from the signal itself: on a
 * loaded machine, starting Node can take longer than a moment, and a timer can fire late.
 */
import { readdirSync, readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { createServer } from "node:net"
import { dirname, join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import * as FastCheck from "effect/FastCheck"
import { reportCounts, runCli, tempDir } from "./support/cli.js"

const packageDir = dirname(createRequire(import.meta.url).resolve("svg-country-flags/countries.json"))

// the downloads run one after another, beside the runs of spin and serve (each its own bin and dest)
describe.concurrent("signals at random moments", () => {
  it("every run ends cleanly, whatever the moment", async () => {
    const moments = FastCheck.sample(
      FastCheck.record({
        afterMs: FastCheck.integer({ min: 150, max: 1500 }),
        signal: FastCheck.constantFrom<NodeJS.Signals>("SIGINT", "SIGTERM")
      }),
      { numRuns: 8, seed: 20261124 }
    )
    const args = (dest: string) => [
      "download",
      "-e",
      "-m",
      "4",
      "--delay",
      "0.05s..0.3s",
      "--seed",
      "1",
      "-d",
      dest
    ]
    // at the spawn, while Node is still loading the bin: the default action (a shell reports 128 + n)
    const early = tempDir()
    const loading = await runCli(args(early), { signalAfterMs: 0, signal: "SIGTERM" })
    assert.deepStrictEqual([loading.code, loading.signal], [null, "SIGTERM"], loading.stdout)
    assert.deepStrictEqual(readdirSync(early), [])
    for (const { afterMs, signal } of moments) {
      const dest = tempDir()
      const result = await runCli(args(dest), {
        runsWhen: (stdout) => stdout.length > 0,
        signalAfterMs: afterMs,
        signal
      })
      const label = `${signal} after ${afterMs} ms`
      if (result.signalledAt !== undefined)
        assert.isBelow(result.endedAt - result.signalledAt, 1000, `${label}: exit within 1 s`)
      if (result.code === 0) continue // finished before the signal arrived
      // the bin had printed: its handlers were installed, Node's default action is no answer
      assert.isNotNull(result.code, `${label}: killed by ${result.signal}`)
      assert.strictEqual(result.code, signal === "SIGINT" ? 130 : 143, `${label}: ${result.stderr}`)
      assert.notInclude(result.stderr, "    at ", label)
      const files = readdirSync(dest)
      if (result.stdout.includes("--------------------")) {
        // a download renamed into place as the signal lands may miss the report: at most one per slot
        const ok = reportCounts(result.stdout).ok
        assert.isTrue(
          files.length >= ok && files.length <= ok + 4,
          `${label}: ${files.length} files, ${ok} reported`
        )
      }
      for (const file of files) {
        assert.match(file, /^[A-Z]{2}\.png$/, `${label}: ${file}`)
        assert.deepStrictEqual(
          readFileSync(join(dest, file)),
          readFileSync(join(packageDir, "png100px", file.toLowerCase()))
        )
      }
    }
  }, 60_000)

  // spin and serve: Ctrl-C only
  const moments = FastCheck.sample(FastCheck.integer({ min: 100, max: 1200 }), { numRuns: 4, seed: 7 })

  it("flags spin: exit 130 with its line ended, or Node's default action while still loading", async () => {
    const loading = await runCli(["spin", "--seconds", "5"], { signalAfterMs: 0 })
    assert.deepStrictEqual([loading.code, loading.signal, loading.stdout], [null, "SIGINT", ""])
    for (const afterMs of moments) {
      const result = await runCli(["spin", "--seconds", "5"], {
        runsWhen: (stdout) => stdout.includes("thinking!"),
        signalAfterMs: afterMs
      })
      assert.strictEqual(result.code, 130, `after ${afterMs} ms`)
      assert.isTrue(result.stdout.endsWith("thinking!\n"), `after ${afterMs} ms`)
      assert.notInclude(result.stdout, "Answer")
    }
  }, 30_000)

  it("flags serve: exit 0 and the port released, whenever Ctrl-C comes", async () => {
    const loading = await runCli(["serve", "--port", "0", "--quiet"], { signalAfterMs: 0 })
    assert.deepStrictEqual([loading.code, loading.signal, loading.stdout], [null, "SIGINT", ""])
    for (const afterMs of moments) {
      const url = /127\.0\.0\.1:(\d+)\//
      const result = await runCli(["serve", "--port", "0", "--quiet"], {
        runsWhen: (stdout) => url.test(stdout),
        signalAfterMs: afterMs
      })
      assert.strictEqual(result.code, 0, `after ${afterMs} ms: ${result.stderr}`)
      const port = Number(url.exec(result.stdout)?.[1] ?? 0)
      await new Promise<void>((resolve, reject) => {
        const again = createServer()
          .once("error", reject)
          .listen(port, "127.0.0.1", () => again.close(() => resolve()))
      })
    }
  }, 30_000)
})
