/**
 * Ctrl-C and SIGTERM at seeded moments (so a failure repeats): every run exits 130 / 143, prints the
 * (partial) report, and leaves only complete files. A moment is progress the test observed — the k-th
 * item line the bin printed, the k-th request a server logged — never a time: on a loaded machine a
 * millisecond means less and less, progress the same. "Promptly" is judged by the server, not a clock:
 * from the signal on it starts no answer, so a bin that needed one more to exit would hang (the test's
 * timeout), and one that went on to the next items would be seen asking for them.
 */
import { readdirSync, readFileSync } from "node:fs"
import { request } from "node:http"
import { createRequire } from "node:module"
import { createServer } from "node:net"
import { dirname, join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import * as FastCheck from "effect/FastCheck"
import { atSpawn, itemLines, reportCounts, reportRule, runCli, tempDir } from "./support/cli.js"
import { startGatedServer } from "./support/gatedServer.js"

const packageDir = dirname(createRequire(import.meta.url).resolve("svg-country-flags/countries.json"))

/** Whether a TCP port on the loopback is free again. */
const released = (port: number) =>
  new Promise<void>((resolve, reject) => {
    const again = createServer()
      .once("error", reject)
      .listen(port, "127.0.0.1", () => again.close(() => resolve()))
  })

// the downloads run one after another, beside the runs of spin and serve (each its own bin and dest)
describe.concurrent("signals at seeded moments", () => {
  it("every run ends cleanly, whatever the moment", async () => {
    const concurrency = 4
    const moments = FastCheck.sample(
      FastCheck.record({
        // from the first download to well inside the batch of 676
        k: FastCheck.integer({ min: 1, max: 40 }),
        signal: FastCheck.constantFrom<NodeJS.Signals>("SIGINT", "SIGTERM")
      }),
      { numRuns: 8, seed: 20261124 }
    )
    const args = (server: string, dest: string) => [
      "download",
      "-e",
      "-m",
      String(concurrency),
      "-s",
      server,
      "--ext",
      "png",
      "-v",
      "-d",
      dest
    ]
    // at the spawn, while Node is still loading the bin: the default action (a shell reports 128 + n)
    const early = tempDir()
    const loading = await runCli(args("http://127.0.0.1:9/flags", early), {
      signalWhen: atSpawn,
      signal: "SIGTERM"
    })
    assert.deepStrictEqual([loading.code, loading.signal, loading.stdout], [null, "SIGTERM", ""])
    assert.deepStrictEqual(readdirSync(early), [])

    // the k-th item the bin printed done, request the server got, or answer it sent (its body then on
    // its way to the bin): each kind in turn
    const kinds = ["item printed", "request", "answer"] as const
    for (const [run, { k, signal }] of moments.entries()) {
      const at = kinds[run % kinds.length] ?? "request"
      const label = `${signal} at ${at} #${k}`
      // each request waits 50–300 ms for its answer: the signal finds requests waiting, answers on their
      // way, files being saved
      const server = await startGatedServer({ delay: { minMs: 50, maxMs: 300, seed: run + 1 } })
      try {
        const dest = tempDir()
        let atSignal = { arrived: 0, waiting: 0 }
        const result = await runCli(args(server.baseUrl, dest), {
          signalWhen: (bin) =>
            at === "item printed"
              ? bin.printed((stdout) => itemLines(stdout).length >= k)
              : at === "request"
                ? server.arrived(k)
                : server.answered(k),
          onSignal: () => {
            server.hold()
            atSignal = { arrived: server.requests.length, waiting: server.waiting() }
          },
          signal
        })
        assert.isDefined(result.signalledAt, `${label}: signalled before the run ended`)
        assert.strictEqual(result.code, signal === "SIGINT" ? 130 : 143, `${label}: ${result.stderr}`)
        assert.notInclude(result.stderr, "    at ", label)
        assert.include(result.stdout, reportRule, `${label}: the partial report`)

        // no item after the signal but those that fill the slots free then: each request waiting for
        // its answer holds a slot that only the end of the run frees
        const after = server.requests.length - atSignal.arrived
        assert.isAtMost(after, concurrency - atSignal.waiting, `${label}: requests after the signal`)

        // the report counts at least what was printed done before the signal; a download renamed into
        // place as the signal lands may miss the report: at most one per slot
        const { ok, notFound, errors } = reportCounts(result.stdout)
        assert.strictEqual(errors, 0, `${label}: ${result.stdout}`)
        if (at === "item printed") assert.isAtLeast(ok + notFound, k, label)
        const files = readdirSync(dest)
        assert.isTrue(
          files.length >= ok && files.length <= ok + concurrency,
          `${label}: ${files.length} files, ${ok} reported`
        )
        for (const file of files) {
          assert.match(file, /^[A-Z]{2}\.png$/, `${label}: ${file}`)
          assert.deepStrictEqual(
            readFileSync(join(dest, file)),
            readFileSync(join(packageDir, "png100px", file.toLowerCase()))
          )
        }
      } finally {
        await server.close()
      }
    }
  }, 120_000)

  // spin: its one line is its only progress, so the moment is that line; --mode tells how the spinner
  // is stopped. 60 s of work: an answer before the signal, or a bin that ignores it, is a failure
  it("flags spin: exit 130 with its line ended, or Node's default action while still loading", async () => {
    const loading = await runCli(["spin", "--seconds", "60"], { signalWhen: atSpawn })
    assert.deepStrictEqual([loading.code, loading.signal, loading.stdout], [null, "SIGINT", ""])
    for (const mode of ["interrupt", "signal"]) {
      const result = await runCli(["spin", "--seconds", "60", "--mode", mode], {
        signalWhen: (bin) => bin.printed((stdout) => stdout.includes("thinking!"))
      })
      assert.strictEqual(result.code, 130, `--mode ${mode}: ${result.stderr}`)
      assert.isTrue(result.stdout.endsWith("thinking!\n"), `--mode ${mode}: ${JSON.stringify(result.stdout)}`)
      assert.notInclude(result.stdout, "Answer")
    }
  }, 60_000)

  // serve: the moment is the k-th request it logged (each delayed a minute: still in flight)
  it("flags serve: exit 0 and the port released, whenever Ctrl-C comes, requests in flight or not", async () => {
    const loading = await runCli(["serve", "--port", "0", "--quiet"], { signalWhen: atSpawn })
    assert.deepStrictEqual([loading.code, loading.signal, loading.stdout], [null, "SIGINT", ""])
    const moments = FastCheck.sample(FastCheck.integer({ min: 0, max: 4 }), { numRuns: 4, seed: 7 })
    for (const inFlight of moments) {
      const url = /(http:\/\/127\.0\.0\.1:(\d+)\/flags\/)/
      const asked: Array<Promise<string>> = []
      const result = await runCli(["serve", "--port", "0", "--delay", "60s"], {
        signalWhen: async (bin) => {
          await bin.printed((stdout) => url.test(stdout))
          const base = url.exec(bin.stdout())?.[1] ?? ""
          for (const cc of ["br", "cn", "in", "us"].slice(0, inFlight))
            asked.push(get(`${base}${cc}/${cc}.png`))
          await bin.printed((stdout) => (stdout.match(/ delay: /g) ?? []).length >= inFlight)
        }
      })
      const label = `${inFlight} requests in flight`
      assert.strictEqual(result.code, 0, `${label}: ${result.stderr}`)
      // the requests in flight were not answered: their connections ended with the server
      assert.deepStrictEqual(await Promise.all(asked), Array(inFlight).fill("no answer"), label)
      await released(Number(url.exec(result.stdout)?.[2] ?? 0))
    }
  }, 60_000)
})

/** A GET's status, or `no answer` when its connection ended first. */
const get = (url: string) =>
  new Promise<string>((resolve) => {
    request(url, (response) => {
      response.resume()
      response.on("end", () => resolve(String(response.statusCode)))
      response.on("error", () => resolve("no answer"))
    })
      .on("error", () => resolve("no answer"))
      .end()
  })
