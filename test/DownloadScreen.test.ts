/**
 * `flags download` on a terminal, as a person sees it: the book's `-v` lines above the live bar and its
 * in-flight line (on the screen model, under TestClock), a terminal that stops reading that never slows
 * the downloads, and the real bin in tmux, window narrowed mid-run, ending on the screen the model predicts.
 */
import * as Path from "@effect/platform/Path"
import * as Terminal from "@effect/platform/Terminal"
import { assert, describe, it } from "@effect/vitest"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import * as TestContext from "effect/TestContext"
import { run } from "../src/cli/Cli.js"
import { ProgressTerminal } from "../src/terminal/Progress.js"
import * as MemoryFileSystem from "../src/testing/MemoryFileSystem.js"
import * as MemoryHttpClient from "../src/testing/MemoryHttpClient.js"
import * as ScreenTerminal from "../src/testing/ScreenTerminal.js"
import * as ServedFile from "../src/testing/ServedFile.js"
import { bin, tempDir } from "./support/cli.js"
import { withEnvironment } from "./support/environment.js"
import { colorless } from "./support/renderer.js"
import { startFlagsServe } from "./support/servers.js"
import { haveTmux, openTmux, terminalEnv } from "./support/tmux.js"

const codes = ["BR", "CN", "DE", "FR", "IN", "JP"]
// each code's answer takes half a second longer than the one before, off the renderer's 100 ms beat:
// BR 0.53 s, CN 1.03 s, … JP 3.03 s
const site = () =>
  MemoryHttpClient.make((url) => {
    const cc = /\/([a-z]{2})\/[a-z]{2}\.png$/.exec(url.pathname)?.[1]?.toUpperCase() ?? ""
    const at = codes.indexOf(cc)
    return at === -1
      ? { status: 404 }
      : { status: 200, body: `flag-${cc}`, delay: `${(at + 1) * 500 + 30} millis` }
  })

/** `flags download ARGS` in-process, stdout and stderr on `screen`, the fakes for the network and disk. */
const download = (
  args: ReadonlyArray<string>,
  stdout: ScreenTerminal.ScreenTerminal,
  stderr: ScreenTerminal.ScreenTerminal,
  http = site()
) =>
  run([
    "node",
    "flags",
    "download",
    "-s",
    "http://flags.test/flags",
    "--ext",
    "png",
    "-d",
    "/dest",
    ...args
  ]).pipe(
    Effect.provideService(Terminal.Terminal, stdout.terminal),
    Effect.provideService(ProgressTerminal, stderr.terminal),
    Effect.provide(Layer.mergeAll(http.layer, MemoryFileSystem.make().layer, Path.layer)),
    withEnvironment(colorless)
  )

describe("flags download on a screen (TestClock)", () => {
  it.effect(
    "-v: the book's lines scroll above the live bar, and the line under it says who is still waiting",
    () =>
      Effect.gen(function* () {
        const screen = yield* ScreenTerminal.make({ columns: 72, rows: 16 })
        const fiber = yield* Effect.fork(download(["-v", "-m", "6", ...codes], screen, screen))
        yield* TestClock.adjust("1150 millis")
        const lines = screen.screen.lines().filter((line) => line !== "")
        assert.deepStrictEqual(lines.slice(0, 5), [
          "CUSTOM site: http://flags.test/flags",
          "Searching for 6 flags: BR, CN, DE, FR, IN, JP",
          "6 concurrent connections will be used.",
          "BR OK",
          "CN OK"
        ])
        assert.match(lines[5] ?? "", /^[|/\\-] {2}33%\|/, "the bar, below the lines")
        assert.strictEqual(lines[6], "  waiting: DE 1.1s, FR 1.1s, IN 1.1s, JP 1.1s")
        yield* TestClock.adjust("4 seconds")
        yield* Fiber.join(fiber)
        const end = screen.screen.lines().filter((line) => line !== "")
        assert.deepStrictEqual(end.slice(3, 9), ["BR OK", "CN OK", "DE OK", "FR OK", "IN OK", "JP OK"])
        assert.match(end[9] ?? "", /^✔ 100%\|█+\| 6\/6 \[00:03, /)
        assert.deepStrictEqual(end.slice(10), [
          "--------------------",
          "  6 flags downloaded.",
          "Elapsed time: 3.03s"
        ])
      })
  )

  it.effect("interrupted mid-run: the bar ends where it stood, then the partial report stands under it", () =>
    Effect.gen(function* () {
      const screen = yield* ScreenTerminal.make({ columns: 72, rows: 16 })
      const fiber = yield* Effect.fork(download(["-v", "-m", "6", ...codes], screen, screen))
      yield* TestClock.adjust("1150 millis")
      yield* Fiber.interrupt(fiber)
      // the bar ends (with the downloads' Exit) and the renderer closes before the report is printed: the
      // report stands under the bar's last line, not under a live region drawn over it
      assert.deepStrictEqual(
        screen.screen.lines().filter((line) => line !== ""),
        [
          "CUSTOM site: http://flags.test/flags",
          "Searching for 6 flags: BR, CN, DE, FR, IN, JP",
          "6 concurrent connections will be used.",
          "BR OK",
          "CN OK",
          "⚠ 2/6 (interrupted)",
          "--------------------",
          "  2 flags downloaded.",
          "Elapsed time: 1.15s"
        ]
      )
    })
  )

  it.effect(
    "a terminal that stops reading never slows the downloads: the same elapsed time as a fast one",
    () =>
      Effect.gen(function* () {
        const elapsedWith = (writeDelay: Duration.DurationInput | undefined) =>
          Effect.gen(function* () {
            const stdout = yield* ScreenTerminal.make({ isTTY: false })
            const stderr = yield* ScreenTerminal.make(writeDelay === undefined ? {} : { writeDelay })
            const fiber = yield* Effect.fork(download(["-m", "2", ...codes], stdout, stderr))
            yield* TestClock.adjust("10 minutes")
            yield* Fiber.join(fiber)
            return /Elapsed time: ([\d.]+)s/.exec(yield* stdout.output)?.[1]
          })
        const fast = yield* elapsedWith(undefined)
        // every write to the bar's terminal takes 5 s: the bar falls behind, the downloads do not
        const slow = yield* elapsedWith("5 seconds")
        assert.strictEqual(fast, "6.09")
        assert.strictEqual(slow, fast)
      })
  )
})

if (!haveTmux) console.warn("DownloadScreen: tmux is not installed; the pseudo-terminal test is skipped")

describe("flags download in tmux", () => {
  it.skipIf(!haveTmux)(
    "narrowed mid-run, the screen at the end is the one the screen model predicts",
    async () => {
      const size = { columns: 70, rows: 14, narrowed: 40 }
      const server = await startFlagsServe(["--quiet", "--delay", "0.4s"])
      // mid-run by construction: the server answers nothing until the window has been narrowed
      server.pause()
      const dest = tempDir()
      // one at a time, so the -v lines come in the codes' order in both runs
      const args = ["download", "-v", "-m", "1", ...codes]
      const window = await openTmux(
        `${terminalEnv} ${process.execPath} ${bin} ${args.join(" ")} -s ${server.baseUrl} --ext png -d ${dest}`,
        size
      )
      try {
        // the live region is drawn, the first code in flight
        await window.until((output) => output.includes("waiting: "))
        window.resize(size.narrowed, size.rows)
        server.resume()
        await window.ended
        const seen = window.screen()
        // the model's prediction: the same run in-process on a screen of the same size, narrowed likewise
        const expected = await Effect.runPromise(
          Effect.gen(function* () {
            const screen = yield* ScreenTerminal.make({ columns: size.columns, rows: size.rows })
            const http = MemoryHttpClient.flagSite(codes, { delay: "400 millis" })
            const fiber = yield* Effect.fork(download(args.slice(1), screen, screen, http))
            yield* TestClock.adjust("100 millis")
            yield* screen.resize(size.narrowed, size.rows)
            yield* TestClock.adjust("1 minute")
            yield* Fiber.join(fiber)
            return screen.screen.lines()
          }).pipe(Effect.provide(TestContext.TestContext))
        )
        // what differs between the two runs: the server's URL, times and rates
        const same = (line: string) =>
          line
            .replace(/^CUSTOM site: .*$/, "CUSTOM site: URL")
            .replace(/\d+\.\d+s/g, "Ts")
            .replace(/\[[^\]]*\]?$/g, "[…]")
        assert.deepStrictEqual(
          seen.map(same),
          [...expected].map((line) => same(line.trimEnd())),
          seen.join("\n")
        )
        assert.isTrue(
          seen.every((line) => line.length <= size.narrowed),
          "nothing wider than the window"
        )
      } finally {
        window.close()
        await server.stop()
      }
    }
  )
})

describe("flags fetch on a screen (TestClock)", () => {
  it.effect("a big file gets a line of its own, in bytes with its rate, cleared when it is done", () =>
    Effect.gen(function* () {
      const screen = yield* ScreenTerminal.make({ columns: 72, rows: 12 })
      // 4 MiB at 1 MiB/s, in 256 KiB pieces; the small file arrives at once
      const big = ServedFile.make(
        { bytes: new Uint8Array(4 * 1024 * 1024).fill(1), etag: '"big"' },
        { chunkSize: 256 * 1024, bytesPerSecond: 1024 * 1024 }
      )
      const http = MemoryHttpClient.make((url, attempt, request) =>
        url.pathname === "/big.iso" ? big.answer(url, attempt, request) : { status: 200, body: "small" }
      )
      const fetch = run([
        "node",
        "flags",
        "fetch",
        "http://files.test/big.iso",
        "http://files.test/a.txt",
        "-d",
        "/dest"
      ]).pipe(
        Effect.provideService(Terminal.Terminal, screen.terminal),
        Effect.provideService(ProgressTerminal, screen.terminal),
        Effect.provide(Layer.mergeAll(http.layer, MemoryFileSystem.make().layer, Path.layer)),
        withEnvironment(colorless)
      )
      const fiber = yield* Effect.fork(fetch)
      yield* TestClock.adjust("2050 millis")
      const during = screen.screen.lines().filter((line) => line !== "")
      assert.isTrue(
        // at 2 s of 4 (the last redraw a beat earlier): about half, in bytes, with a rate
        during.some((line) =>
          /^[|/\\-] big\.iso +(4\d|50)%\|.*\| [\d.]+ MiB\/4\.0 MiB \[.*MiB\/s\]$/.test(line)
        ),
        during.join("\n")
      )
      yield* TestClock.adjust("2 seconds")
      yield* Fiber.join(fiber)
      const after = screen.screen.lines().filter((line) => line !== "")
      assert.isFalse(
        after.some((line) => line.startsWith("big.iso")),
        after.join("\n")
      )
      assert.include(after.join("\n"), "2 files downloaded.")
    })
  )
})
