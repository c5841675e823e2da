import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { assert, describe, it } from "@effect/vitest"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Scope from "effect/Scope"
import * as TestClock from "effect/TestClock"
import * as NodeFlagServer from "../src/node/NodeFlagServer.js"
import type * as FlagServer from "../src/server/FlagServer.js"
import { asleep, eventually } from "./support/eventually.js"
import { rawRequest } from "./support/http.js"

const packageDir = dirname(createRequire(import.meta.url).resolve("svg-country-flags/countries.json"))
const start = (options: FlagServer.FlagServerOptions = {}) =>
  NodeFlagServer.make(options).pipe(Effect.provide(NodeContext.layer))

describe("FlagServer (bundled flags)", () => {
  it.scoped("serves the package's PNG and SVG files byte for byte", () =>
    Effect.gen(function* () {
      const server = yield* start()
      assert.match(server.baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/flags$/)
      for (const cc of ["br", "cn", "us", "zw"]) {
        const png = yield* rawRequest(server.baseUrl, `/flags/${cc}/${cc}.png`)
        assert.strictEqual(png.status, 200)
        assert.strictEqual(png.headers["content-type"], "image/png")
        assert.deepStrictEqual(png.body, readFileSync(join(packageDir, "png100px", `${cc}.png`)))
        assert.strictEqual(png.headers["content-length"], String(png.body.length))
      }
      const svg = yield* rawRequest(server.baseUrl, "/flags/br/br.svg")
      assert.strictEqual(svg.headers["content-type"], "image/svg+xml")
      assert.deepStrictEqual(svg.body, readFileSync(join(packageDir, "svg", "br.svg")))
    })
  )

  it.scoped("answers metadata.json in the book's format", () =>
    Effect.gen(function* () {
      const server = yield* start()
      const cases = { br: "Brazil", jp: "Japan", de: "Germany" }
      for (const [cc, country] of Object.entries(cases)) {
        const response = yield* rawRequest(server.baseUrl, `/flags/${cc}/metadata.json`)
        assert.deepStrictEqual(JSON.parse(response.body.toString()), {
          tld_cc: `.${cc}`,
          iso_cc: cc.toUpperCase(),
          country
        })
      }
    })
  )

  it.scoped("publishes two-letter codes only, and lists them", () =>
    Effect.gen(function* () {
      const server = yield* start()
      assert.isTrue(server.codes.every((cc) => /^[A-Z]{2}$/.test(cc)))
      assert.include(server.codes, "BR")
      assert.strictEqual(server.extension, "png")
      const listing = JSON.parse((yield* rawRequest(server.baseUrl, "/flags/")).body.toString())
      assert.deepStrictEqual(listing.codes, server.codes)
    })
  )

  it.scoped("404 for unknown codes and paths, 405 for other methods, HEAD without a body", () =>
    Effect.gen(function* () {
      const server = yield* start()
      const status = (path: string, method = "GET") =>
        Effect.map(rawRequest(server.baseUrl, path, { method }), (r) => r.status)
      assert.strictEqual(yield* status("/flags/zz/zz.png"), 404)
      assert.strictEqual(yield* status("/flags/BR/BR.png"), 404)
      assert.strictEqual(yield* status("/flags/br/us.png"), 404)
      assert.strictEqual(yield* status("/flags/br/br.gif"), 404)
      assert.strictEqual(yield* status("/elsewhere"), 404)
      assert.strictEqual(yield* status("/flags/br/br.png", "POST"), 405)
      assert.strictEqual(yield* status("/flags/br/br.png", "DELETE"), 405)
      const head = yield* rawRequest(server.baseUrl, "/flags/br/br.png", { method: "HEAD" })
      assert.strictEqual(head.status, 200)
      assert.strictEqual(head.body.length, 0)
      assert.strictEqual(
        head.headers["content-length"],
        String(readFileSync(join(packageDir, "png100px", "br.png")).length)
      )
    })
  )

  it.scoped("reports a port in use as a FlagServerError", () =>
    Effect.gen(function* () {
      const first = yield* start()
      const port = Number(new URL(first.baseUrl).port)
      const error = yield* Effect.flip(start({ port }))
      assert.strictEqual(error._tag, "FlagServerError")
      assert.include(error.message, "EADDRINUSE")
    })
  )
})

describe("FlagServer --dir (the book's layout)", () => {
  const makeFolder = () => {
    const root = mkdtempSync(join(tmpdir(), "flags-dir-"))
    const outside = mkdtempSync(join(tmpdir(), "flags-outside-"))
    writeFileSync(join(outside, "secret.gif"), "secret")
    for (const cc of ["br", "fr"]) {
      mkdirSync(join(root, "flags", cc), { recursive: true })
      writeFileSync(join(root, "flags", cc, `${cc}.gif`), `GIF89a-${cc}`)
      writeFileSync(
        join(root, "flags", cc, "metadata.json"),
        JSON.stringify({ tld_cc: `.${cc}`, iso_cc: cc.toUpperCase(), country: cc })
      )
    }
    mkdirSync(join(root, "flags", "xx"))
    symlinkSync(join(outside, "secret.gif"), join(root, "flags", "xx", "xx.gif"))
    symlinkSync(outside, join(root, "flags", "yy"))
    return Effect.acquireRelease(Effect.succeed(root), () =>
      Effect.sync(() => {
        rmSync(root, { recursive: true, force: true })
        rmSync(outside, { recursive: true, force: true })
      })
    )
  }

  it.scoped("serves the folder's files and its own codes and extension", () =>
    Effect.gen(function* () {
      const root = yield* makeFolder()
      const server = yield* start({ dir: root })
      assert.strictEqual(server.extension, "gif")
      assert.deepStrictEqual(server.codes, ["BR", "FR", "XX", "YY"])
      const gif = yield* rawRequest(server.baseUrl, "/flags/br/br.gif")
      assert.strictEqual(gif.status, 200)
      assert.strictEqual(gif.headers["content-type"], "image/gif")
      assert.strictEqual(gif.body.toString(), "GIF89a-br")
      const metadata = yield* rawRequest(server.baseUrl, "/flags/fr/metadata.json")
      assert.strictEqual(JSON.parse(metadata.body.toString()).iso_cc, "FR")
    })
  )

  it.scoped("never serves a file outside the folder, however the path is spelt", () =>
    Effect.gen(function* () {
      const root = yield* makeFolder()
      const server = yield* start({ dir: root })
      const attempts = [
        "/flags/../../etc/passwd",
        "/flags/%2e%2e/%2e%2e/etc/passwd",
        "/flags/br/..%2f..%2f..%2fetc%2fpasswd",
        "/flags/br%2f..%2f..%2fsecret.gif",
        "/flags/..\\..\\etc\\passwd",
        "/flags/br/%2e%2e%5c%2e%2e%5cetc%5cpasswd",
        "//etc/passwd",
        "/flags//etc/passwd",
        "/flags/xx/xx.gif",
        "/flags/yy/secret.gif",
        "/flags/yy/yy.gif"
      ]
      for (const path of attempts) {
        const response = yield* rawRequest(server.baseUrl, path)
        assert.strictEqual(response.status, 404, path)
        assert.notInclude(response.body.toString(), "secret", path)
        assert.notInclude(response.body.toString(), "root:", path)
      }
    })
  )
})

describe("FlagServer requests in flight, logs and shutdown", () => {
  it.scoped("counts requests in flight; a client leaving mid-delay frees its slot", () =>
    Effect.gen(function* () {
      const server = yield* start({ delay: "1 second" })
      const requests = yield* Effect.forEach(["br", "cn", "de", "fr", "jp"], (cc) =>
        Effect.fork(rawRequest(server.baseUrl, `/flags/${cc}/${cc}.png`))
      )
      yield* eventually(Effect.map(server.inFlight, (n) => n === 5))
      yield* asleep(5)
      const [leaving, ...staying] = requests
      if (leaving !== undefined) yield* Fiber.interrupt(leaving)
      yield* eventually(Effect.map(server.inFlight, (n) => n === 4))
      yield* TestClock.adjust("1 second")
      for (const request of staying) assert.strictEqual((yield* Fiber.join(request)).status, 200)
      yield* eventually(Effect.map(server.inFlight, (n) => n === 0))
      assert.strictEqual(yield* server.maxInFlight, 5)
    })
  )

  it.scoped("ignores the query string; odd extensions are 404s", () =>
    Effect.gen(function* () {
      const server = yield* start()
      assert.strictEqual((yield* rawRequest(server.baseUrl, "/flags/br/br.png?v=1")).status, 200)
      for (const path of ["/flags/br/br.pngx", "/flags/br/br.exe", `/flags/br/br.${"a".repeat(9)}`]) {
        assert.strictEqual((yield* rawRequest(server.baseUrl, path)).status, 404, path)
      }
    })
  )

  it.scoped("logs one line per request like slow_server.py unless quiet", () =>
    Effect.gen(function* () {
      const lines: Array<string> = []
      const server = yield* Console.consoleWith((console) =>
        Console.withConsole(start({ quiet: false, delay: "500 millis", errorRate: 0.5, seed: 4 }), {
          ...console,
          log: (...args) => Effect.sync(() => lines.push(args.join(" ")))
        })
      )
      const statuses: Array<number> = []
      for (const cc of ["br", "cn", "de", "fr", "jp", "zz"]) {
        const request = yield* Effect.fork(rawRequest(server.baseUrl, `/flags/${cc}/${cc}.png`))
        yield* eventually(Effect.map(server.inFlight, (n) => n === 1))
        yield* asleep()
        yield* TestClock.adjust("500 millis")
        statuses.push((yield* Fiber.join(request)).status)
      }
      assert.include(statuses, 418)
      assert.include(statuses, 200)
      assert.deepStrictEqual(
        lines,
        ["BR", "CN", "DE", "FR", "JP", "ZZ"].map((cc, i) => `${cc} delay: 0.50s ${statuses[i]}`)
      )
    })
  )

  it.live("shuts down at once even with a stalled client, and the port is free again", () =>
    Effect.gen(function* () {
      const scope = yield* Scope.make()
      const server = yield* Scope.extend(start({ stallRate: 1 }), scope)
      // a client that never gives up: a shutdown that waited for it would never end (vitest's timeout)
      const stalled = yield* Effect.fork(rawRequest(server.baseUrl, "/flags/br/br.png"))
      yield* eventually(Effect.map(server.inFlight, (n) => n === 1))
      yield* Scope.close(scope, Exit.void)
      assert.isDefined((yield* Fiber.join(stalled)).error)
      const port = Number(new URL(server.baseUrl).port)
      yield* Effect.scoped(start({ port }))
    })
  )
})
