/**
 * Random argv through the real CLI (in-process, with fakes): every invalid combination is a usage
 * error that touches neither the network nor dest; every valid one asks for exactly the codes the
 * book's rules give (a small reference implementation below).
 */

import * as ValidationError from "@effect/cli/ValidationError"
import * as FileSystem from "@effect/platform/FileSystem"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Path from "@effect/platform/Path"
import * as Terminal from "@effect/platform/Terminal"
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { run } from "../src/cli/Cli.js"
import { ProgressTerminal } from "../src/terminal/Progress.js"
import * as RecordingTerminal from "../src/testing/RecordingTerminal.js"

const AZ = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
const top20 = "CN IN US ID BR PK NG BD RU JP MX PH VN ET EG DE IR TR CD FR".split(" ")

type Token = { readonly argv: ReadonlyArray<string>; readonly valid: boolean }

const code = FastCheck.oneof(
  FastCheck.constantFrom(..."aBzQ".split("")).map((c) => ({ argv: [c], valid: true })),
  FastCheck.stringMatching(/^[A-Za-z]{2}$/).map((c) => ({ argv: [c], valid: true })),
  FastCheck.constantFrom("BRA", "1", "B1", "é", "a-b").map((c) => ({ argv: [c], valid: false }))
)
// each option at most once (a repeated option is a usage error of its own, not what this tests)
const options = FastCheck.record({
  all: FastCheck.boolean(),
  every: FastCheck.boolean(),
  maxReq: FastCheck.option(
    FastCheck.oneof(FastCheck.integer({ min: -3, max: 1200 }), FastCheck.constant(Number.NaN))
  ),
  limit: FastCheck.option(FastCheck.integer({ min: -2, max: 700 })),
  bogus: FastCheck.boolean()
})
const invocation = FastCheck.tuple(FastCheck.array(code, { maxLength: 3 }), options, FastCheck.boolean()).map(
  ([codes, o, codesFirst]): Array<Token> => {
    const flags: Array<Token> = []
    if (o.all) flags.push({ argv: ["-a"], valid: true })
    if (o.every) flags.push({ argv: ["-e"], valid: true })
    if (o.maxReq !== null) {
      const n = o.maxReq
      flags.push({ argv: ["-m", Number.isNaN(n) ? "x" : String(n)], valid: n >= 1 && n <= 1000 })
    }
    if (o.limit !== null) flags.push({ argv: ["-l", String(o.limit)], valid: o.limit >= 1 })
    if (o.bogus) flags.push({ argv: ["--bogus"], valid: false })
    return codesFirst ? [...codes, ...flags] : [...flags, ...codes]
  }
)

/** The codes a valid argv asks for, by the book's rules. */
const expected = (argv: ReadonlyArray<string>) => {
  let every = false
  let all = false
  let limit: number | undefined
  const args: Array<string> = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? ""
    if (a === "-e") every = true
    else if (a === "-a") all = true
    else if (a === "-l") limit = Number(argv[++i])
    else if (a === "-m") i++
    else args.push(a.toUpperCase())
  }
  const codes = new Set<string>()
  if (every) for (const a of AZ) for (const b of AZ) codes.add(a + b)
  else if (all) {
    // the book's 194 for a URL server: checked by count below
  } else
    for (const a of args.length > 0 ? args : top20) {
      if (a.length === 1) for (const b of AZ) codes.add(a + b)
      else codes.add(a)
    }
  const sorted = [...codes].sort()
  return { all: all && !every, codes: limit === undefined ? sorted : sorted.slice(0, limit), limit }
}

const runWithFakes = (argv: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const requested: Array<string> = []
    const touched: Array<string> = []
    const http = HttpClient.make((request, url) =>
      Effect.sync(() => {
        requested.push(url.pathname.split("/")[2]?.toUpperCase() ?? "")
        return HttpClientResponse.fromWeb(request, new Response(null, { status: 404 }))
      })
    )
    const fs = FileSystem.layerNoop({
      makeDirectory: (path) => Effect.sync(() => void touched.push(`mkdir ${path}`)),
      stat: () => Effect.succeed({ type: "Directory" } as FileSystem.File.Info),
      writeFile: (path) => Effect.sync(() => void touched.push(`write ${path}`)),
      remove: () => Effect.void
    })
    const out = yield* RecordingTerminal.make({ isTTY: false })
    const err = yield* RecordingTerminal.make({ isTTY: false })
    const exit = yield* run([
      "node",
      "flags",
      "download",
      "-s",
      "http://flags.test/flags",
      "-d",
      "/dest",
      ...argv
    ]).pipe(
      Effect.provide(Layer.mergeAll(Layer.succeed(HttpClient.HttpClient, http), fs, Path.layer)),
      Effect.provideService(Terminal.Terminal, out.terminal),
      Effect.provideService(ProgressTerminal, err.terminal),
      (program) =>
        Console.consoleWith((current) =>
          Console.withConsole(program, { ...current, error: () => Effect.void, log: () => Effect.void })
        ),
      Effect.exit
    )
    return { exit, requested, touched }
  })

describe("flags download argv (property)", () => {
  it.effect(
    "invalid argv: usage error, no request, dest untouched; valid argv: exactly the book's codes",
    () =>
      Effect.gen(function* () {
        const samples = FastCheck.sample(invocation, {
          numRuns: 150,
          seed: 42
        })
        for (const tokens of samples) {
          const argv = tokens.flatMap((t) => t.argv)
          const valid = tokens.every((t) => t.valid)
          const { exit, requested, touched } = yield* runWithFakes(argv)
          const label = argv.join(" ")
          if (!valid) {
            assert.isTrue(Exit.isFailure(exit), label)
            if (Exit.isFailure(exit)) {
              const failure = Cause.failureOption(exit.cause)
              assert.isTrue(
                Option.isSome(failure) && ValidationError.isValidationError(failure.value),
                `${label}: ${Cause.pretty(exit.cause)}`
              )
            }
            assert.deepStrictEqual(requested, [], label)
            assert.deepStrictEqual(touched, [], label)
            continue
          }
          assert.isTrue(Exit.isSuccess(exit), label)
          const want = expected(argv)
          if (want.all) assert.strictEqual(requested.length, Math.min(194, want.limit ?? 194), label)
          else assert.deepStrictEqual([...requested].sort(), want.codes, label)
        }
      }),
    120_000
  )
})
