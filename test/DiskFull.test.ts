/**
 * A full disk stops a batch once, at the first file that cannot be written: the downloads after it are
 * not tried one by one, the finished ones keep their outcomes (and journal entries), the partial file
 * stays for the next run, and the batch fails with `DiskFull` (`ENOSPC`, or `EDQUOT` for a quota).
 */
import * as Path from "@effect/platform/Path"
import * as Terminal from "@effect/platform/Terminal"
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { run } from "../src/cli/Cli.js"
import { failureExit } from "../src/cli/ExitCode.js"
import { defaultRequestOptions } from "../src/download/HttpGet.js"
import type { Outcome } from "../src/download/Outcome.js"
import { downloadUrls } from "../src/download/UrlDownloads.js"
import * as Journal from "../src/session/Journal.js"
import * as Sessions from "../src/session/Sessions.js"
import { ProgressTerminal } from "../src/terminal/Progress.js"
import * as MemoryFileSystem from "../src/testing/MemoryFileSystem.js"
import * as MemoryHttpClient from "../src/testing/MemoryHttpClient.js"
import * as RecordingTerminal from "../src/testing/RecordingTerminal.js"

const KiB = 1024
const items = Array.from({ length: 10 }, (_, i) => ({ url: `http://files.test/f${i}.bin` }))
const config = { ...defaultRequestOptions, maxBytes: Number.POSITIVE_INFINITY, dest: "/dest", retries: 2 }

const setUp = (full: "ENOSPC" | "EDQUOT" = "ENOSPC") => {
  const http = MemoryHttpClient.make(() => ({ status: 200, body: new Uint8Array(100 * KiB).fill(7) }))
  // room for two files and a half
  const fs = MemoryFileSystem.make({ capacity: 250 * KiB, full })
  fs.state.directories.add("/dest")
  return { http, fs, layer: Layer.mergeAll(http.layer, fs.layer, Path.layer) }
}

describe("a full disk", () => {
  it.effect("stops the batch once, at byte N: no later file tried, the partial kept, DiskFull", () =>
    Effect.gen(function* () {
      const { http, fs, layer } = setUp()
      const outcomes: Array<Outcome> = []
      const exit = yield* Effect.exit(
        downloadUrls(items, config, {
          concurrency: 1,
          onOutcome: (outcome) => Effect.sync(() => outcomes.push(outcome))
        }).pipe(Effect.provide(layer))
      )
      assert.isTrue(Exit.isFailure(exit), String(exit))
      if (Exit.isFailure(exit)) {
        const error = Option.getOrUndefined(Cause.failureOption(exit.cause))
        assert.strictEqual(error?._tag, "DiskFull")
        assert.strictEqual(error?.path, "/dest/.f2.bin.partial")
        assert.strictEqual(error?.code, "ENOSPC")
      }
      assert.deepStrictEqual(
        outcomes.map((o) => [o.id, o.status]),
        [
          ["http://files.test/f0.bin", "OK"],
          ["http://files.test/f1.bin", "OK"]
        ]
      )
      assert.strictEqual(
        http.stats.requests.length,
        3,
        "one request for the file that filled the disk, none after"
      )
      // what fitted beside the two files and the partial's description
      const kept = fs.state.files.get("/dest/.f2.bin.partial")?.length ?? 0
      assert.isTrue(kept > 49 * KiB && kept < 50 * KiB, `${kept} bytes kept`)
      assert.isTrue(fs.state.files.has("/dest/.f2.bin.partial.json"), "it says where it came from")
    })
  )

  it.effect(
    "EDQUOT is a full disk too; in a session the journal keeps what finished, nothing of the rest",
    () =>
      Effect.gen(function* () {
        const { layer } = setUp("EDQUOT")
        const journal = Journal.makeMemory()
        const exit = yield* Effect.exit(
          Sessions.downloadUrls(items, config, { concurrency: 2, session: {} }).pipe(
            Effect.provide(Layer.merge(layer, journal.layer))
          )
        )
        assert.isTrue(Exit.isFailure(exit), String(exit))
        if (Exit.isFailure(exit)) {
          const error = Option.getOrUndefined(Cause.failureOption(exit.cause))
          assert.strictEqual(error?._tag, "DiskFull")
        }
        const journaled = ((yield* journal.contents) ?? "")
          .split("\n")
          .filter((line) => line.includes('"status"'))
        assert.strictEqual(journaled.length, 2)
        assert.isTrue(journaled.every((line) => line.includes('"OK"')))
      })
  )
})

describe("flags fetch on a full disk (the CLI in-process, with the fakes)", () => {
  it.effect("one line and exit 3, after a partial report of what finished", () =>
    Effect.gen(function* () {
      const { layer } = setUp()
      const stdout = yield* RecordingTerminal.make({ isTTY: false })
      const stderr = yield* RecordingTerminal.make({ isTTY: false })
      const argv = ["node", "flags", "fetch", ...items.map((item) => item.url), "-d", "/dest", "-m", "1"]
      const exit = yield* run(argv).pipe(
        Effect.provideService(Terminal.Terminal, stdout.terminal),
        Effect.provideService(ProgressTerminal, stderr.terminal),
        Effect.provide(layer),
        Effect.exit
      )
      const error = Exit.isFailure(exit) ? Option.getOrUndefined(Cause.failureOption(exit.cause)) : undefined
      assert.strictEqual(error?._tag, "DiskFull")
      if (error?._tag === "DiskFull") {
        const { code, line } = failureExit(error)
        assert.strictEqual(code, 3)
        assert.include(line, "flags: the disk is full: cannot write /dest/.f2.bin.partial")
      }
      assert.include(yield* stdout.recording.output, "2 files downloaded.")
    })
  )
})
