/** The CLI client's response: a Node `IncomingMessage` as an `HttpClientResponse`, its body read once. */
import type * as Http from "node:http"
import * as Cookies from "@effect/platform/Cookies"
import * as Headers from "@effect/platform/Headers"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as UrlParams from "@effect/platform/UrlParams"
import * as NodeStream from "@effect/platform-node/NodeStream"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type { PhaseTracker } from "../../download/RequestPhases.js"

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

/** An answer whose body is read on demand, once; every reader shares the result. */
export class NodeClientResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  private cachedHeaders: Headers.Headers | undefined
  private body: Body | undefined
  private waiting: Array<(body: Body) => void> | undefined

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    readonly source: Http.IncomingMessage,
    private readonly tracker: PhaseTracker | undefined = undefined
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
    const tracker = this.tracker
    tracker?.enter("body")
    // running out of time while the body comes: the body is given up, and its reader fails
    tracker?.onTimeout(() => source.destroy(new Error("timed out")))
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
      tracker?.progress()
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
    // destroyed before anyone read it (the request timed out meanwhile): its events are gone
    if (source.destroyed && !source.complete)
      settle({ _tag: "Failed", cause: new IncompleteBody(received, expected) })
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
  // annotated: inferred, its type names undici-types by whatever path node_modules has (TS2742 through a symlink)
  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    return Effect.flatMap(this.bytes, (bytes) =>
      Effect.tryPromise({
        try: () => new Response(bytes, { headers: this.source.headers as Record<string, string> }).formData(),
        catch: (cause) => this.decodeError(cause)
      })
    )
  }
  get stream() {
    const source = this.source
    let received = 0
    // a body given up before it was read (the request destroyed by a timeout, say) ends without an
    // error in Node's stream: only `complete` tells it from a whole one
    const whole = Stream.suspend(() => {
      if (source.complete) return Stream.empty
      const declared = Number(source.headers["content-length"])
      const expected = Number.isFinite(declared) ? declared : undefined
      return Stream.fail(this.decodeError(new IncompleteBody(received, expected)))
    })
    return NodeStream.fromReadable<HttpClientError.ResponseError, Uint8Array>(
      () => source,
      (cause) => this.decodeError(cause)
    ).pipe(
      Stream.mapChunks((chunk) => {
        for (const bytes of chunk) received += bytes.length
        return chunk
      }),
      Stream.concat(whole)
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
