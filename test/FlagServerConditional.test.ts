import { createHash } from "node:crypto"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs"
import * as Http from "node:http"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import * as NodeFlagServer from "../src/node/NodeFlagServer.js"
import * as FlagServer from "../src/server/FlagServer.js"
import { asleep, eventually } from "./support/eventually.js"
import { rawRequest } from "./support/http.js"

const packageDir = dirname(createRequire(import.meta.url).resolve("svg-country-flags/countries.json"))
type Options = Omit<FlagServer.FlagServerOptions, "host" | "port">

// both servers answer conditional requests the same way: the node:http one and any platform HttpServer
const servers = [
  {
    name: "node:http",
    start: (options: Options = {}) => NodeFlagServer.make(options).pipe(Effect.provide(NodeContext.layer))
  },
  {
    name: "platform HttpServer",
    start: (options: Options = {}) =>
      Effect.flatMap(
        Layer.build(
          Layer.merge(
            NodeHttpServer.layer(() => Http.createServer(), { host: "127.0.0.1", port: 0 }),
            NodeContext.layer
          )
        ),
        (context) => Effect.provide(FlagServer.makeOnHttpServer(options), context)
      )
  }
]

describe.each(servers)("conditional requests ($name)", ({ start }) => {
  it.scoped("every file has a stable ETag (a hash of its bytes) and its Last-Modified", () =>
    Effect.gen(function* () {
      const first = yield* start()
      const png = yield* rawRequest(first.baseUrl, "/flags/br/br.png")
      const bytes = readFileSync(join(packageDir, "png100px", "br.png"))
      const hash = createHash("sha256").update(bytes).digest("hex").slice(0, 32)
      assert.strictEqual(png.headers.etag, `"${hash}"`)
      const mtime = new Date(Math.floor(Date.parse(String(png.headers["last-modified"])) / 1000) * 1000)
      assert.strictEqual(png.headers["last-modified"], mtime.toUTCString())
      const metadata = yield* rawRequest(first.baseUrl, "/flags/br/metadata.json")
      assert.match(String(metadata.headers.etag), /^"[0-9a-f]{32}"$/)
      assert.isDefined(metadata.headers["last-modified"])
      // another server, the same bytes: the same tag
      const second = yield* start()
      assert.strictEqual(
        (yield* rawRequest(second.baseUrl, "/flags/br/br.png")).headers.etag,
        png.headers.etag
      )
      assert.notStrictEqual(
        (yield* rawRequest(second.baseUrl, "/flags/cn/cn.png")).headers.etag,
        png.headers.etag
      )
    })
  )

  it.scoped("If-None-Match and If-Modified-Since answer 304 with no body when the client has the file", () =>
    Effect.gen(function* () {
      const server = yield* start()
      const png = yield* rawRequest(server.baseUrl, "/flags/br/br.png")
      const etag = String(png.headers.etag)
      const modified = String(png.headers["last-modified"])
      const ask = (headers: Record<string, string>, method = "GET") =>
        rawRequest(server.baseUrl, "/flags/br/br.png", { headers, method })
      const notModified = yield* ask({ "if-none-match": etag })
      assert.strictEqual(notModified.status, 304)
      assert.strictEqual(notModified.body.length, 0)
      assert.strictEqual(notModified.headers.etag, etag)
      assert.strictEqual(notModified.headers["last-modified"], modified)
      const statuses = {
        weak: (yield* ask({ "if-none-match": `W/${etag}` })).status,
        list: (yield* ask({ "if-none-match": `"other", ${etag}` })).status,
        star: (yield* ask({ "if-none-match": "*" })).status,
        other: (yield* ask({ "if-none-match": '"other"' })).status,
        since: (yield* ask({ "if-modified-since": modified })).status,
        later: (yield* ask({ "if-modified-since": new Date(Date.parse(modified) + 60_000).toUTCString() }))
          .status,
        earlier: (yield* ask({ "if-modified-since": new Date(Date.parse(modified) - 1000).toUTCString() }))
          .status,
        garbage: (yield* ask({ "if-modified-since": "yesterday" })).status,
        // If-None-Match decides when both are sent
        both: (yield* ask({ "if-none-match": '"other"', "if-modified-since": modified })).status,
        head: (yield* ask({ "if-none-match": etag }, "HEAD")).status
      }
      assert.deepStrictEqual(statuses, {
        weak: 304,
        list: 304,
        star: 304,
        other: 200,
        since: 304,
        later: 304,
        earlier: 200,
        garbage: 200,
        both: 200,
        head: 304
      })
      const changed = yield* ask({ "if-none-match": '"other"' })
      assert.deepStrictEqual(changed.body, png.body)
      const missing = yield* rawRequest(server.baseUrl, "/flags/zz/zz.png", {
        headers: { "if-none-match": "*" }
      })
      assert.strictEqual(missing.status, 404)
    })
  )

  it.scoped("faults still apply: status faults win, delays are waited, a 304 has no body to break", () =>
    Effect.gen(function* () {
      const tag = String((yield* rawRequest((yield* start()).baseUrl, "/flags/br/br.png")).headers.etag)
      const conditional = { headers: { "if-none-match": tag } }
      const teapot = yield* start({ errorRate: 1 })
      assert.strictEqual((yield* rawRequest(teapot.baseUrl, "/flags/br/br.png", conditional)).status, 418)
      const truncating = yield* start({ truncateRate: 1 })
      const whole = yield* rawRequest(truncating.baseUrl, "/flags/br/br.png", conditional)
      assert.strictEqual(whole.status, 304)
      assert.isUndefined(whole.error)
      const slow = yield* start({ delay: "2 seconds" })
      const request = yield* Effect.fork(rawRequest(slow.baseUrl, "/flags/br/br.png", conditional))
      yield* eventually(Effect.map(slow.inFlight, (n) => n === 1))
      yield* asleep()
      yield* TestClock.adjust("1999 millis")
      assert.isTrue(Option.isNone(yield* Fiber.poll(request)))
      yield* TestClock.adjust("1 millis")
      assert.strictEqual((yield* Fiber.join(request)).status, 304)
    })
  )
})

describe("conditional requests (--dir)", () => {
  it.scoped(
    "a folder's files: the ETag of their bytes, their mtime as Last-Modified, 304 until they change",
    () =>
      Effect.gen(function* () {
        const root = mkdtempSync(join(tmpdir(), "flags-dir-"))
        yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(root, { recursive: true, force: true })))
        mkdirSync(join(root, "flags", "br"), { recursive: true })
        const file = join(root, "flags", "br", "br.gif")
        writeFileSync(file, "GIF89a-br")
        const mtime = new Date("2024-03-01T12:34:56Z")
        utimesSync(file, mtime, mtime)
        const server = yield* NodeFlagServer.make({ dir: root }).pipe(Effect.provide(NodeContext.layer))
        const gif = yield* rawRequest(server.baseUrl, "/flags/br/br.gif")
        const hash = createHash("sha256").update("GIF89a-br").digest("hex").slice(0, 32)
        assert.strictEqual(gif.headers.etag, `"${hash}"`)
        assert.strictEqual(gif.headers["last-modified"], "Fri, 01 Mar 2024 12:34:56 GMT")
        const since = { headers: { "if-modified-since": "Fri, 01 Mar 2024 12:34:56 GMT" } }
        assert.strictEqual((yield* rawRequest(server.baseUrl, "/flags/br/br.gif", since)).status, 304)
        const before = { headers: { "if-modified-since": "Fri, 01 Mar 2024 12:34:55 GMT" } }
        assert.strictEqual((yield* rawRequest(server.baseUrl, "/flags/br/br.gif", before)).status, 200)
      })
  )
})
