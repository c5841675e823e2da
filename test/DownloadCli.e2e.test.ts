import { existsSync, readdirSync, readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import * as NodeFlagServer from "../src/node/NodeFlagServer.js"
import type * as FlagServer from "../src/server/FlagServer.js"
import { type CliResult, reportCounts, runCli, tempDir } from "./support/cli.js"

const packageDir = dirname(createRequire(import.meta.url).resolve("svg-country-flags/countries.json"))
const packaged = (cc: string) => readFileSync(join(packageDir, "png100px", `${cc.toLowerCase()}.png`))

let scope: Scope.CloseableScope
let server: FlagServer.RunningFlagServer
beforeAll(async () => {
  scope = await Effect.runPromise(Scope.make())
  server = await Effect.runPromise(
    NodeFlagServer.make().pipe(Scope.extend(scope), Effect.provide(NodeContext.layer))
  )
})
afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)))

const counts = reportCounts

// each test its own dest or cwd (the server is shared, and answers any number at once): side by side
describe.concurrent("flags download (real bin, real server)", () => {
  it("default run: the top 20 from the embedded server, byte-identical, the book's report", async () => {
    const cwd = tempDir()
    const result = await runCli(["download"], { cwd })
    assert.strictEqual(result.code, 0, result.stderr)
    const lines = result.stdout.trim().split("\n")
    assert.match(lines[0] ?? "", /^EMBEDDED site: http:\/\/127\.0\.0\.1:\d+\/flags$/)
    assert.strictEqual(lines[1], "Searching for 20 flags: from BD to VN")
    assert.strictEqual(lines[2], "5 concurrent connections will be used.")
    assert.strictEqual(lines[3], "--------------------")
    assert.strictEqual(lines[4], " 20 flags downloaded.")
    assert.match(lines[5] ?? "", /^Elapsed time: \d+\.\d\ds$/)
    const files = readdirSync(join(cwd, "downloaded")).sort()
    assert.strictEqual(files.length, 20)
    for (const file of files)
      assert.deepStrictEqual(readFileSync(join(cwd, "downloaded", file)), packaged(file.slice(0, 2)))
    assert.include(result.stderr, "20/20")
  })

  it("-e: 676 codes, counts add up; -m 100 announced", async () => {
    const dest = tempDir()
    const result = await runCli([
      "download",
      "-e",
      "-m",
      "100",
      "-s",
      server.baseUrl,
      "--ext",
      "png",
      "-d",
      dest
    ])
    assert.strictEqual(result.code, 0, result.stderr)
    assert.include(result.stdout, "Searching for 676 flags: from AA to ZZ")
    assert.include(result.stdout, "100 concurrent connections will be used.")
    const { ok, notFound, errors } = counts(result.stdout)
    assert.strictEqual(ok, server.codes.length)
    assert.strictEqual(ok + notFound + errors, 676)
    assert.strictEqual(readdirSync(dest).length, ok)
  })

  it("-a against the embedded server: every flag it publishes", async () => {
    const dest = tempDir()
    const result = await runCli(["download", "-a", "-m", "50", "-d", dest])
    assert.strictEqual(result.code, 0, result.stderr)
    assert.strictEqual(counts(result.stdout).ok, server.codes.length)
  })

  it("letters, -l, -v lines, 1 connection", async () => {
    const dest = tempDir()
    const result = await runCli([
      "download",
      "-v",
      "-l",
      "3",
      "-m",
      "1",
      "z",
      "-s",
      server.baseUrl,
      "--ext",
      "png",
      "-d",
      dest
    ])
    assert.strictEqual(result.code, 0, result.stderr)
    assert.include(result.stdout, "Searching for 3 flags: ZA, ZB, ZC")
    assert.include(result.stdout, "1 connection will be used.")
    assert.include(result.stdout, "ZA OK")
    assert.include(result.stdout, `ZB not found: ${server.baseUrl}/zb/zb.png`)
    assert.deepStrictEqual(readdirSync(dest), ["ZA.png"])
    assert.notInclude(result.stderr, "%|", "no progress bar with -v")
  })

  it("--names: flags3's country file names", async () => {
    const dest = tempDir()
    const result = await runCli([
      "download",
      "--names",
      "br",
      "CI",
      "-s",
      server.baseUrl,
      "--ext",
      "png",
      "-d",
      dest
    ])
    assert.strictEqual(result.code, 0, result.stderr)
    assert.deepStrictEqual(readdirSync(dest).sort(), ["Brazil-BR.png", "Côte_d'Ivoire-CI.png"].sort())
  })

  it("errors: exit 1, counts add up, each error a line with -v", async () => {
    const dest = tempDir()
    const result = await runCli(["download", "-v", "--error-rate", "0.5", "--seed", "4", "-d", dest])
    assert.strictEqual(result.code, 1)
    const { ok, notFound, errors } = counts(result.stdout)
    assert.isAbove(errors, 0)
    assert.strictEqual(ok + notFound + errors, 20)
    assert.strictEqual(
      result.stdout.split("\n").filter((l) => l.endsWith("error: HTTP error 418 - I'm a Teapot")).length,
      errors
    )
    assert.strictEqual(readdirSync(dest).length, ok)
  })

  it("--json: a machine-readable report alone on stdout", async () => {
    const dest = tempDir()
    const result = await runCli([
      "download",
      "--json",
      "BR",
      "ZZ",
      "-s",
      server.baseUrl,
      "--ext",
      "png",
      "-d",
      dest
    ])
    assert.strictEqual(result.code, 0, result.stderr)
    const report = JSON.parse(result.stdout)
    assert.strictEqual(report.ok, 1)
    assert.strictEqual(report.notFound, 1)
    assert.deepStrictEqual(
      report.outcomes.map((o: { cc: string; status: string }) => [o.cc, o.status]).sort(),
      [
        ["BR", "OK"],
        ["ZZ", "NOT_FOUND"]
      ]
    )
  })

  it("usage errors: one message, usage on stderr, exit 2, nothing downloaded", async () => {
    const cwd = tempDir()
    // side by side: each is a bin start and a refusal, nothing one of them does is seen by another
    const argvs = [
      ["QQQ"],
      ["B1"],
      ["-m", "0"],
      ["-m", "1001"],
      ["-s", "nowhere"],
      ["--bogus"],
      ["-l", "0"],
      ["--ext", "jpg"],
      ["--limit-rate", "2X"],
      ["-H", "Bearer s3cret-token"]
    ]
    const results = await Promise.all(argvs.map((args) => runCli(["download", ...args], { cwd })))
    argvs.forEach((args, i) => {
      const result = results[i] as CliResult
      assert.strictEqual(result.code, 2, args.join(" "))
      assert.include(result.stderr, "Usage: flags download", args.join(" "))
      assert.strictEqual(result.stdout, "")
      assert.notInclude(result.stderr, "    at ", "no stack trace")
    })
    assert.isFalse(existsSync(join(cwd, "downloaded")))
    assert.include(results[0]?.stderr, "each CC argument must be A to Z or AA to ZZ")
    assert.include(results[8]?.stderr, "--limit-rate must look like 500K, 2M or 1G, got 2X")
    assert.include(results[9]?.stderr, "--header must look like 'Name: value' (header 1 does not)")
    assert.notInclude(results[9]?.stderr, "s3cret", "a header's value may be a credential: never echoed")
  })

  it("an unreachable server: one clear line, exit 1, no stack trace", async () => {
    const dest = tempDir()
    const result = await runCli(["download", "-s", "http://127.0.0.1:9/flags", "-d", dest])
    assert.strictEqual(result.code, 1)
    assert.include(result.stderr, "every download failed: connection refused")
    assert.notInclude(result.stderr + result.stdout, "    at ")
    const one = await runCli(["download", "BR", "-s", "http://127.0.0.1:9/flags", "-d", dest])
    assert.strictEqual(one.code, 1)
    assert.include(one.stderr, "flags: the download failed: connection refused")
  })

  it("a destination that is a file: a clear error before any download", async () => {
    const cwd = tempDir()
    const result = await runCli(["download", "-d", join(import.meta.dirname, "..", "package.json")], { cwd })
    assert.strictEqual(result.code, 1)
    assert.match(result.stderr, /flags: cannot write to .*package\.json/)
    assert.notInclude(result.stdout, "downloaded.")
  })

  it("a destination whose parent is missing: a clear error, nothing created", async () => {
    const cwd = tempDir()
    const result = await runCli(["download", "-d", join("typo", "dest"), "-s", server.baseUrl], { cwd })
    assert.strictEqual(result.code, 1)
    assert.include(result.stderr, "flags: cannot write to typo/dest: its parent folder does not exist")
    assert.notInclude(result.stdout, "downloaded.")
    assert.deepStrictEqual(readdirSync(cwd), [])
  })

  it("Ctrl-C: exit 130 after the partial report, no partial or temporary file", async () => {
    const dest = tempDir()
    const ended = (stdout: string) => stdout.match(/^[A-Z]{2} (OK|not found: .*)$/gm)?.length ?? 0
    // mid-run by construction: 10 codes have ended, and the other 666, two at a time with 0.2 s each,
    // would take a minute more
    const result = await runCli(["download", "-v", "-e", "-m", "2", "--delay", "0.2s", "-d", dest], {
      signalWhen: (bin) => bin.printed((stdout) => ended(stdout) >= 10)
    })
    assert.strictEqual(result.code, 130, result.stderr)
    assert.include(result.stdout, "--------------------")
    const { ok, notFound } = counts(result.stdout)
    assert.strictEqual(ok + notFound, ended(result.stdout))
    assert.isAtLeast(ok + notFound, 10)
    assert.isBelow(ok + notFound, 676)
    const files = readdirSync(dest)
    assert.strictEqual(files.length, ok)
    assert.isTrue(files.every((f) => /^[A-Z]{2}\.png$/.test(f)))
  })
})
