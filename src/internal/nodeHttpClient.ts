/**
 * The CLI's `HttpClient`: Node's own `http`/`https` with a keep-alive pool and no cap on sockets.
 *
 * Why not `NodeHttpClient.layerUndici`: bundling undici adds 540 KB to the bin, ~0.25 s to every cold
 * start and ~40 MB of RSS (measured); and `NodeHttpClient.layer` forks a fiber per request to send the
 * body beside the response and copies each body through a Stream, about twice undici's CPU per request.
 * This client resumes once per request and reads a body with one listener per chunk.
 */

import * as Http from "node:http"
import * as Https from "node:https"
import { Readable } from "node:stream"
import type { ReadableStream as WebReadableStream } from "node:stream/web"
import * as Cookies from "@effect/platform/Cookies"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as UrlParams from "@effect/platform/UrlParams"
import * as NodeStream from "@effect/platform-node/NodeStream"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"

/** A body that ended before its `Content-Length`: the connection closed mid-transfer. */
export class IncompleteBody extends Error {
  readonly code = "ERR_INCOMPLETE_BODY"
  constructor(
    readonly received: number,
    readonly expected: number | undefined
  ) {
    super(
      expected === undefined
        ? "connection closed mid-transfer"
        : `body shorter than its Content-Length (${received} of ${expected} bytes)`
    )
  }
}

type Body =
  | { readonly _tag: "Done"; readonly bytes: Uint8Array }
  | { readonly _tag: "Failed"; readonly cause: unknown }

class NodeClientResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  private cachedHeaders: Headers.Headers | undefined
  private body: Body | undefined
  private waiting: Array<(body: Body) => void> | undefined

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    readonly source: Http.IncomingMessage
  ) {
    super()
  }

  get status() {
    return this.source.statusCode ?? 0
  }
  get headers() {
    this.cachedHeaders ??= Headers.fromInput(this.source.headers as Headers.Input)
    return this.cachedHeaders
  }
  get cookies() {
    const header = this.source.headers["set-cookie"]
    return header === undefined ? Cookies.empty : Cookies.fromSetCookie(header)
  }
  get remoteAddress() {
    return Option.fromNullable(this.source.socket?.remoteAddress)
  }

  private decodeError(cause: unknown): HttpClientError.ResponseError {
    return new HttpClientError.ResponseError({
      request: this.request,
      response: this,
      reason: "Decode",
      cause
    })
  }

  /** Reads the whole body once; later reads share the result. */
  private readBody(onBody: (body: Body) => void) {
    if (this.body !== undefined) return onBody(this.body)
    if (this.waiting !== undefined) return void this.waiting.push(onBody)
    this.waiting = [onBody]
    const source = this.source
    const declared = Number(source.headers["content-length"])
    const expected = Number.isFinite(declared) ? declared : undefined
    const chunks: Array<Buffer> = []
    let received = 0
    const settle = (body: Body) => {
      if (this.body !== undefined) return
      this.body = body
      source.off("data", onData)
      const waiting = this.waiting ?? []
      this.waiting = undefined
      for (const resume of waiting) resume(body)
    }
    const onData = (chunk: Buffer) => {
      chunks.push(chunk)
      received += chunk.length
    }
    source.on("data", onData)
    source.once("end", () =>
      source.complete
        ? settle({
            _tag: "Done",
            bytes: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received)
          })
        : settle({ _tag: "Failed", cause: new IncompleteBody(received, expected) })
    )
    source.once("error", (cause) =>
      settle({ _tag: "Failed", cause: source.complete ? cause : new IncompleteBody(received, expected) })
    )
    source.once("close", () => {
      if (!source.complete) settle({ _tag: "Failed", cause: new IncompleteBody(received, expected) })
    })
  }

  private get bytes(): Effect.Effect<Uint8Array, HttpClientError.ResponseError> {
    return Effect.async((resume) => {
      this.readBody((body) =>
        resume(body._tag === "Done" ? Effect.succeed(body.bytes) : Effect.fail(this.decodeError(body.cause)))
      )
      // a reader interrupted mid-body (a timeout, say): the rest will never be read, so the
      // connection cannot be reused
      return Effect.sync(() => {
        if (this.body === undefined) this.source.destroy()
      })
    })
  }

  get arrayBuffer() {
    return Effect.map(this.bytes, (bytes) =>
      bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
        ? (bytes.buffer as ArrayBuffer)
        : (bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer)
    )
  }
  get text() {
    return Effect.map(this.bytes, (bytes) => new TextDecoder().decode(bytes))
  }
  get json() {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => (text === "" ? null : JSON.parse(text)),
        catch: (cause) => this.decodeError(cause)
      })
    )
  }
  get urlParamsBody() {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => UrlParams.fromInput(new URLSearchParams(text)),
        catch: (cause) => this.decodeError(cause)
      })
    )
  }
  get formData() {
    return Effect.flatMap(this.bytes, (bytes) =>
      Effect.tryPromise({
        try: () => new Response(bytes, { headers: this.source.headers as Record<string, string> }).formData(),
        catch: (cause) => this.decodeError(cause)
      })
    )
  }
  get stream() {
    return NodeStream.fromReadable<HttpClientError.ResponseError, Uint8Array>(
      () => this.source,
      (cause) => this.decodeError(cause)
    )
  }
  override toJSON() {
    return HttpIncomingMessage.inspect(this, {
      _id: "@effect/platform/HttpClientResponse",
      request: this.request.toJSON(),
      status: this.status
    })
  }
}

/** Writes the request's body; a body that cannot be sent is the returned error. */
const sendBody = (
  nodeRequest: Http.ClientRequest,
  request: HttpClientRequest.HttpClientRequest
): HttpClientError.RequestError | undefined => {
  const body = request.body
  const encodeError = (cause: unknown) =>
    new HttpClientError.RequestError({ request, reason: "Encode", cause })
  switch (body._tag) {
    case "Empty":
      nodeRequest.end()
      return undefined
    case "Uint8Array":
      nodeRequest.end(body.body)
      return undefined
    case "Raw":
      if (body.body instanceof Uint8Array || typeof body.body === "string") {
        nodeRequest.end(body.body)
        return undefined
      }
      return encodeError(new TypeError("a Raw body must be a string or a Uint8Array"))
    case "FormData": {
      const encoded = new Response(body.formData)
      encoded.headers.forEach((value, key) => {
        nodeRequest.setHeader(key, value)
      })
      Readable.fromWeb(encoded.body as WebReadableStream).pipe(nodeRequest)
      return undefined
    }
    case "Stream":
      Readable.fromWeb(Stream.toReadableStream(body.stream) as WebReadableStream)
        .on("error", (cause) => nodeRequest.destroy(encodeError(cause)))
        .pipe(nodeRequest)
      return undefined
  }
}

/**
 * An `HttpClient` over Node's `http`/`https` agents. Built with `makeWith`, not `make`: `make` adds an
 * AbortController, a FinalizationRegistry entry and a wrapper per response, which this client does
 * without (interruption destroys the request or its body directly); and it makes no HTTP spans (the
 * CLI exports none).
 */
export const make = (agents: {
  readonly http: Http.Agent
  readonly https: Https.Agent
}): HttpClient.HttpClient =>
  HttpClient.makeWith<never, never, HttpClientError.HttpClientError, never>(
    (requests) => Effect.flatMap(requests, (request) => send(agents, request)),
    Effect.succeed
  )

const send = (
  agents: { readonly http: Http.Agent; readonly https: Https.Agent },
  request: HttpClientRequest.HttpClientRequest
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> => {
  const url = UrlParams.makeUrl(request.url, request.urlParams, request.hash)
  if (Either.isLeft(url)) {
    return Effect.fail(new HttpClientError.RequestError({ request, reason: "InvalidUrl", cause: url.left }))
  }
  return Effect.async((resume) => {
    const options: Http.RequestOptions = { method: request.method, headers: request.headers }
    const nodeRequest =
      url.right.protocol === "https:"
        ? Https.request(url.right, { ...options, agent: agents.https })
        : Http.request(url.right, { ...options, agent: agents.http })
    const onError = (cause: unknown) =>
      resume(Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause })))
    nodeRequest.once("error", onError)
    nodeRequest.once("response", (source: Http.IncomingMessage) => {
      nodeRequest.off("error", onError)
      // a failure after the answer began belongs to the body: its reader reports it
      nodeRequest.on("error", () => {})
      source.on("error", () => {})
      resume(Effect.succeed(new NodeClientResponse(request, source)))
    })
    const unsent = sendBody(nodeRequest, request)
    if (unsent !== undefined) {
      nodeRequest.destroy()
      resume(Effect.fail(unsent))
    }
    return Effect.sync(() => nodeRequest.destroy())
  })
}

/** The client with keep-alive agents for the layer's life (no cap on sockets: `maxSockets` is unbounded). */
export const layer: Layer.Layer<HttpClient.HttpClient> = Layer.scoped(
  HttpClient.HttpClient,
  Effect.map(
    Effect.acquireRelease(
      Effect.sync(() => ({
        http: new Http.Agent({ keepAlive: true }),
        https: new Https.Agent({ keepAlive: true })
      })),
      (agents) =>
        Effect.sync(() => {
          agents.http.destroy()
          agents.https.destroy()
        })
    ),
    make
  )
)
