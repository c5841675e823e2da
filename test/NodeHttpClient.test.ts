/** The CLI's node:http `HttpClient` against real loopback servers: bodies, reuse, no cap, broken transfers. */
import { spawn } from "node:child_process"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as Net from "node:net"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Equal from "effect/Equal"
import * as Fiber from "effect/Fiber"
import type * as FiberId from "effect/FiberId"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { downloadOne } from "../src/download/Downloader.js"
import * as HttpGet from "../src/download/HttpGet.js"
import * as RequestPhases from "../src/download/RequestPhases.js"
import * as CliHttpClient from "../src/node/NodeHttpClient.js"
import { eventually, realTick } from "./support/eventually.js"
import { seeingPhases } from "./support/phases.js"
import { havePython } from "./support/servers.js"

interface Seen {
  connections: number
  inFlight: number
  maxInFlight: number
  closedEarly: number
  bodies: Array<string>
}

/** A loopback server for the scope's life; `handle` answers, `seen` counts what the client did. */
const serve = (handle: (request: Http.IncomingMessage, response: Http.ServerResponse, seen: Seen) => void) =>
  Effect.acquireRelease(
    Effect.async<{ readonly url: string; readonly seen: Seen; readonly server: Http.Server }>((resume) => {
      const seen: Seen = { connections: 0, inFlight: 0, maxInFlight: 0, closedEarly: 0, bodies: [] }
      const server = Http.createServer((request, response) => {
        seen.inFlight++
        seen.maxInFlight = Math.max(seen.maxInFlight, seen.inFlight)
        response.on("close", () => {
          seen.inFlight--
          if (!response.writableFinished) seen.closedEarly++
        })
        const chunks: Array<Buffer> = []
        request.on("data", (chunk: Buffer) => chunks.push(chunk))
        request.on("end", () => {
          seen.bodies.push(Buffer.concat(chunks).toString())
          handle(request, response, seen)
        })
      })
      server.on("connection", () => seen.connections++)
      server.listen(0, "127.0.0.1", () =>
        resume(
          Effect.succeed({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server })
        )
      )
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )

const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex")

describe("the CLI's node:http HttpClient", () => {
  it.scoped("status, headers, body as bytes, text and JSON; a body read twice is the same body", () =>
    Effect.gen(function* () {
      const { url } = yield* serve((request, response) => {
        if (request.url === "/json") {
          response.writeHead(200, { "Content-Type": "application/json", "X-Flag": "BR" })
          response.end(JSON.stringify({ country: "Brazil" }))
        } else {
          response.writeHead(404, { "Content-Type": "text/plain" })
          response.end("no such flag")
        }
      })
      const client = yield* HttpClient.HttpClient
      const ok = yield* client.get(`${url}/json`)
      assert.strictEqual(ok.status, 200)
      assert.strictEqual(ok.headers["x-flag"], "BR")
      assert.deepStrictEqual(yield* ok.json, { country: "Brazil" })
      assert.strictEqual(yield* ok.text, '{"country":"Brazil"}')
      const missing = yield* client.get(`${url}/zz`)
      assert.strictEqual(missing.status, 404)
      assert.strictEqual(new TextDecoder().decode(yield* missing.arrayBuffer), "no such flag")
    }).pipe(Effect.provide(CliHttpClient.layer))
  )

  it.scoped("a body given up before it was read fails as incomplete: it never ends as if whole", () =>
    Effect.gen(function* () {
      const { url } = yield* serve((_, response) => {
        response.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": 1_000_000 })
        // a fifth of it, and then nothing: the rest never comes
        response.write(Buffer.alloc(200_000, 7))
      })
      const client = yield* HttpClient.HttpClient
      const response = yield* client.get(`${url}/big.bin`)
      // as a phase timeout does while the body waits: the request (and its answer) destroyed
      ;(response as unknown as { readonly source: Http.IncomingMessage }).source.destroy()
      const read = yield* Effect.either(Stream.runFold(response.stream, 0, (n, chunk) => n + chunk.length))
      assert.isTrue(Either.isLeft(read), `read ${JSON.stringify(read)}`)
      if (Either.isLeft(read)) {
        assert.strictEqual(read.left._tag, "ResponseError")
        assert.include(String(read.left.cause), "of 1000000 bytes")
      }
    }).pipe(Effect.provide(CliHttpClient.layer))
  )

  it.scoped("keeps connections alive: sequential requests share one socket", () =>
    Effect.gen(function* () {
      const { url, seen } = yield* serve((_, response) => {
        response.writeHead(200, { "Content-Type": "image/png", "Content-Length": png.length })
        response.end(png)
      })
      for (let i = 0; i < 5; i++) {
        assert.deepStrictEqual(yield* HttpGet.get(`${url}/br/br.png`), new Uint8Array(png))
      }
      assert.strictEqual(seen.connections, 1)
    }).pipe(Effect.provide(CliHttpClient.layer))
  )

  it.scoped("a followed redirect leaves its connection free: one socket serves every hop", () =>
    Effect.gen(function* () {
      const { url, seen } = yield* serve((request, response) => {
        if (request.url === "/old/br.png") {
          response.writeHead(301, { Location: "/br/br.png", "Content-Type": "text/html" })
          response.end("<a href='/br/br.png'>moved</a>")
        } else {
          response.writeHead(200, { "Content-Type": "image/png", "Content-Length": png.length })
          response.end(png)
        }
      })
      for (let i = 0; i < 3; i++) {
        assert.deepStrictEqual(yield* HttpGet.get(`${url}/old/br.png`), new Uint8Array(png))
      }
      assert.strictEqual(seen.connections, 1)
    }).pipe(Effect.provide(CliHttpClient.layer))
  )

  it.live("puts no cap on sockets: 150 requests are in flight at the server at once", () =>
    Effect.gen(function* () {
      const waiting: Array<Http.ServerResponse> = []
      const { url, seen } = yield* serve((_, response) => {
        waiting.push(response)
        if (waiting.length === 150) for (const held of waiting) held.end("ok")
      })
      const client = yield* HttpClient.HttpClient
      const bodies = yield* Effect.forEach(
        Array.from({ length: 150 }, (_, i) => `${url}/${i}`),
        (target) => Effect.flatMap(client.get(target), (response) => response.text),
        { concurrency: "unbounded" }
      )
      assert.strictEqual(seen.maxInFlight, 150)
      assert.isTrue(bodies.every((body) => body === "ok"))
    }).pipe(Effect.scoped, Effect.provide(CliHttpClient.layer))
  )

  it.scoped("a body cut short of its Content-Length is an error that says so, never a short body", () =>
    Effect.gen(function* () {
      const { url } = yield* serve((_, response) => {
        response.writeHead(200, { "Content-Type": "image/png", "Content-Length": 100 })
        response.write(png.subarray(0, 10), () => response.destroy())
      })
      const result = yield* Effect.either(HttpGet.get(`${url}/br/br.png`))
      assert.isTrue(Either.isLeft(result))
      if (Either.isLeft(result)) {
        assert.strictEqual(result.left._tag, "TransportError")
        assert.include(result.left.message, "body shorter than its Content-Length (10 of 100 bytes)")
      }
    }).pipe(Effect.provide(CliHttpClient.layer))
  )

  it.scoped("a refused connection is a transport error", () =>
    Effect.gen(function* () {
      const { url, server } = yield* serve(() => {})
      yield* Effect.async<void>((resume) => {
        server.close(() => resume(Effect.void))
      })
      const result = yield* Effect.either(HttpGet.get(`${url}/br/br.png`))
      assert.isTrue(Either.isLeft(result))
      if (Either.isLeft(result)) assert.include(result.left.message, "connection refused")
    }).pipe(Effect.provide(CliHttpClient.layer))
  )

  it.scoped("interrupting a request closes its connection at the server", () =>
    Effect.gen(function* () {
      const { url, seen } = yield* serve(() => {})
      const client = yield* HttpClient.HttpClient
      const request = yield* Effect.fork(client.get(`${url}/slow`))
      yield* eventually(
        Effect.sync(() => seen.inFlight === 1),
        "the request reached the server"
      )
      yield* Fiber.interrupt(request)
      yield* eventually(
        Effect.sync(() => seen.closedEarly === 1 && seen.inFlight === 0),
        "the server saw it closed"
      )
    }).pipe(Effect.provide(CliHttpClient.layer))
  )

  it.scoped("sends request bodies: bytes, text and streams", () =>
    Effect.gen(function* () {
      const { url, seen } = yield* serve((_, response) => response.end())
      const client = yield* HttpClient.HttpClient
      const post = (request: HttpClientRequest.HttpClientRequest) =>
        Effect.flatMap(client.execute(request), (response) => response.text)
      yield* post(
        HttpClientRequest.post(url).pipe(HttpClientRequest.bodyUint8Array(new Uint8Array([66, 82])))
      )
      yield* post(HttpClientRequest.post(url).pipe(HttpClientRequest.bodyText("JP")))
      yield* post(
        HttpClientRequest.post(url).pipe(
          HttpClientRequest.bodyStream(Stream.make(new Uint8Array([67]), new Uint8Array([78])))
        )
      )
      assert.deepStrictEqual(seen.bodies, ["BR", "JP", "CN"])
    }).pipe(Effect.provide(CliHttpClient.layer))
  )

  it.scoped("streams a chunked answer as it comes", () =>
    Effect.gen(function* () {
      const { url } = yield* serve((_, response) => {
        response.write("B")
        setImmediate(() => response.end("R"))
      })
      const client = yield* HttpClient.HttpClient
      const response = yield* client.get(url)
      assert.isUndefined(response.headers["content-length"])
      const chunks = yield* Stream.runCollect(response.stream)
      assert.strictEqual(Buffer.concat(Chunk.toArray(chunks)).toString(), "BR")
    }).pipe(Effect.provide(CliHttpClient.layer))
  )

  it.scoped(
    "new connections to one host start 1 ms apart on Effect's clock; a free keep-alive socket never waits",
    () =>
      Effect.gen(function* () {
        // answers are held until three requests are in, so no socket is free for reuse meanwhile
        const held: Array<Http.ServerResponse> = []
        const { url, seen } = yield* serve((_, response) => {
          held.push(response)
          if (held.length === 3) for (const waiting of held.splice(0)) waiting.end("ok")
        })
        const client = yield* HttpClient.HttpClient
        const get = Effect.flatMap(client.get(`${url}/x`), (response) => response.text)
        const three = yield* Effect.fork(Effect.all([get, get, get], { concurrency: "unbounded" }))
        yield* eventually(
          Effect.sync(() => seen.connections === 1),
          "the first connection, at once"
        )
        yield* TestClock.adjust("1 millis")
        yield* eventually(
          Effect.sync(() => seen.connections === 2),
          "the second, 1 ms later"
        )
        assert.strictEqual(seen.connections, 2, "the third waits for its turn")
        yield* TestClock.adjust("1 millis")
        assert.deepStrictEqual(yield* Fiber.join(three), ["ok", "ok", "ok"])
        assert.strictEqual(seen.connections, 3)
        // three keep-alive sockets are free now: these reuse them without waiting for the clock
        held.length = 0
        assert.deepStrictEqual(yield* Effect.all([get, get, get], { concurrency: "unbounded" }), [
          "ok",
          "ok",
          "ok"
        ])
        assert.strictEqual(seen.connections, 3)
      }).pipe(Effect.provide(CliHttpClient.layer))
  )

  it.live(
    "a kept-alive socket the server closes as a GET goes out: sent once more, on a new connection",
    () =>
      Effect.gen(function* () {
        // the second request on each connection is met with a reset, as a server closing an idle
        // connection at that very moment does; a first request on a connection is answered
        const perSocket = new Map<unknown, number>()
        const { url, seen } = yield* serve((request, response) => {
          const n = (perSocket.get(request.socket) ?? 0) + 1
          perSocket.set(request.socket, n)
          if (n > 1) request.socket.resetAndDestroy()
          else response.end("ok")
        })
        const client = yield* HttpClient.HttpClient
        const get = (path: string) => Effect.flatMap(client.get(`${url}${path}`), (response) => response.text)
        assert.strictEqual(yield* get("/a"), "ok")
        assert.strictEqual(yield* get("/b"), "ok", "resent on a new connection")
        assert.strictEqual(seen.connections, 2)
        // a POST is not repeated: it may have been acted on
        const post = yield* Effect.either(
          client.execute(HttpClientRequest.post(`${url}/c`).pipe(HttpClientRequest.bodyText("x")))
        )
        assert.isTrue(Either.isLeft(post))
        if (Either.isLeft(post)) assert.strictEqual(post.left._tag, "RequestError")
        assert.strictEqual(seen.connections, 2, "no new connection for the POST")
      }).pipe(Effect.scoped, Effect.provide(CliHttpClient.layer))
  )

  it.live("every idle socket closed by the server: the one resend goes out on a new connection", () =>
    Effect.gen(function* () {
      // three connections, each answered once (the three first answers wait until all three are in),
      // then closed under the next request: as after the server's keep-alive timeout passed for all
      const perSocket = new Map<unknown, number>()
      const held: Array<() => void> = []
      const { url, seen } = yield* serve((request, response) => {
        const n = (perSocket.get(request.socket) ?? 0) + 1
        perSocket.set(request.socket, n)
        if (n > 1) return request.socket.resetAndDestroy()
        held.push(() => response.end("ok"))
        if (held.length >= 3) for (const answer of held) answer()
      })
      const client = yield* HttpClient.HttpClient
      const get = (path: string) => Effect.flatMap(client.get(`${url}${path}`), (response) => response.text)
      assert.deepStrictEqual(yield* Effect.all([get("/a"), get("/b"), get("/c")], { concurrency: 3 }), [
        "ok",
        "ok",
        "ok"
      ])
      assert.strictEqual(yield* get("/d"), "ok", "resent on a new connection, not on another idle one")
      assert.strictEqual(seen.connections, 4)
    }).pipe(Effect.scoped, Effect.provide(CliHttpClient.layer))
  )

  it.live(
    "tells the request's phase tracker each phase: connect, write, response, body (no connect on a reused socket)",
    () =>
      Effect.gen(function* () {
        // the body's end is sent once the client has read its first bytes: two reads, on any machine
        let sendRest: (() => void) | undefined
        const { url } = yield* serve((_, response) => {
          response.writeHead(200, { "Content-Length": 4 })
          sendRest = () => response.end("cd")
          response.write("ab")
        })
        const client = yield* HttpClient.HttpClient
        const phasesOf = Effect.gen(function* () {
          const seen: Array<string> = []
          const tracker: RequestPhases.PhaseTracker = {
            enter: (phase) => void seen.push(phase),
            queue: () => void seen.push("queued"),
            progress: () => {
              seen.push("bytes")
              const rest = sendRest
              sendRest = undefined
              rest?.()
            },
            onTimeout: () => {}
          }
          const body = yield* Effect.flatMap(client.get(`${url}/x`), (response) => response.text).pipe(
            Effect.provideService(RequestPhases.Tracker, tracker)
          )
          assert.strictEqual(body, "abcd")
          return seen
        })
        assert.deepStrictEqual(yield* phasesOf, ["connect", "write", "response", "body", "bytes", "bytes"])
        // the second request finds the first one's socket free: nothing to connect
        assert.deepStrictEqual(yield* phasesOf, ["write", "response", "body", "bytes", "bytes"])
      }).pipe(Effect.scoped, Effect.provide(CliHttpClient.layer))
  )

  it.scoped.skipIf(!havePython)(
    "a server whose accept queue is full: the download times out connecting, at exactly its timeout",
    () => {
      const seen: Array<string> = []
      return Effect.gen(function* () {
        // a listener that never accepts, its queue filled by idle connections: further SYNs are dropped
        const port = yield* Effect.acquireRelease(
          Effect.async<{ readonly port: number; readonly kill: () => void }>((resume) => {
            const child = spawn("python3", [
              "-u",
              "-c",
              "import socket,time\ns=socket.socket()\ns.bind(('127.0.0.1',0))\ns.listen(0)\nprint(s.getsockname()[1])\ntime.sleep(60)"
            ])
            child.stdout.once("data", (chunk: Buffer) =>
              resume(Effect.succeed({ port: Number(chunk.toString().trim()), kill: () => child.kill() }))
            )
          }),
          ({ kill }) => Effect.sync(kill)
        ).pipe(Effect.map(({ port }) => port))
        const fillers = [Net.connect(port, "127.0.0.1"), Net.connect(port, "127.0.0.1")]
        yield* Effect.addFinalizer(() =>
          Effect.sync(() => {
            for (const socket of fillers) socket.destroy()
          })
        )
        // the first filler is in the queue (a backlog of 0 holds one): the second's SYN, and ours, are dropped
        yield* Effect.async<void>((resume) => {
          fillers[0]?.once("connect", () => resume(Effect.void))
        })
        const download = yield* Effect.fork(
          downloadOne("BR", {
            ...HttpGet.defaultRequestOptions,
            timeout: Duration.millis(300),
            baseUrl: `http://127.0.0.1:${port}/flags`,
            extension: "png",
            dest: "/nowhere",
            names: false
          })
        )
        yield* eventually(
          Effect.sync(() => seen.includes("connect")),
          "the client connecting"
        )
        // the queue stays full: however long it really takes, no SYN of ours is ever answered
        yield* TestClock.adjust("299 millis")
        yield* Effect.zipRight(realTick, realTick)
        assert.isTrue(Option.isNone(yield* Fiber.poll(download)), "still connecting at 299 ms")
        yield* TestClock.adjust("1 millis")
        const outcome = yield* Fiber.join(download)
        assert.strictEqual(outcome.error?.message, "timed out connecting after 0.3s")
      }).pipe(Effect.provide(Layer.mergeAll(seeingPhases(seen), NodeContext.layer)))
    }
  )

  it.scoped(
    "wrapped by HttpClient.mapRequest, it keeps the fast path (in the caller's fiber) and per-phase timeouts",
    () =>
      Effect.gen(function* () {
        const sent: Array<string | undefined> = []
        // the server reads the request and never answers: the `response` phase runs out
        const { url, seen } = yield* serve((request) => {
          sent.push(request.headers["x-app"] as string | undefined)
        })
        const ran: Array<FiberId.FiberId> = []
        const wrapped = Layer.effect(
          HttpClient.HttpClient,
          Effect.map(HttpClient.HttpClient, (client) =>
            client.pipe(
              HttpClient.mapRequest(HttpClientRequest.setHeader("x-app", "wrapped")),
              HttpClient.tapRequest(() =>
                Effect.flatMap(Effect.fiberId, (id) => Effect.sync(() => ran.push(id)))
              )
            )
          )
        ).pipe(Layer.provideMerge(CliHttpClient.layer))
        const options = { ...HttpGet.defaultRequestOptions, timeout: Duration.millis(300) }
        const caller = yield* Effect.fork(
          Effect.zip(Effect.fiberId, Effect.either(HttpGet.get(`${url}/br.png`, options))).pipe(
            Effect.provide(wrapped)
          )
        )
        yield* eventually(
          Effect.sync(() => seen.bodies.length === 1),
          "the server reading the request"
        )
        yield* TestClock.adjust("299 millis")
        yield* Effect.zipRight(realTick, realTick)
        assert.isTrue(Option.isNone(yield* Fiber.poll(caller)), "still waiting for the answer at 299 ms")
        yield* TestClock.adjust("1 millis")
        const [callerId, result] = yield* Fiber.join(caller)
        assert.isTrue(Either.isLeft(result))
        assert.strictEqual(
          Either.isLeft(result) ? result.left.message : "",
          "timed out waiting for the answer after 0.3s"
        )
        assert.deepStrictEqual(sent, ["wrapped"])
        // the request ran in the caller's own fiber: no fork per request
        assert.strictEqual(ran.length, 1)
        assert.isTrue(Equal.equals(ran[0], callerId))
      })
  )
})
