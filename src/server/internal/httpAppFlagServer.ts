/**
 * The flag server as an `HttpApp` for any platform's `HttpServer`. Broken transfers become body
 * streams: a stall never emits, a slow body trickles on Effect's clock, and a reset or truncated
 * body fails after half the bytes (what the client then sees is the platform's doing).
 */
import * as Headers from "@effect/platform/Headers"
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type { Reply, Responder } from "./flagReplies.js"

const toResponse = (head: boolean, reply: Reply): HttpServerResponse.HttpServerResponse => {
  const headers = Headers.fromInput(reply.headers)
  const options = { status: reply.status, headers }
  const body = reply.body
  const transfer = reply.transfer
  if (head || transfer._tag === "None") {
    return body.length === 0
      ? HttpServerResponse.empty(options)
      : HttpServerResponse.uint8Array(body, { ...options, contentType: headers["content-type"] ?? "" })
  }
  const contentType = headers["content-type"] ?? ""
  const streamed = (stream: Stream.Stream<Uint8Array>) =>
    HttpServerResponse.stream(stream, { ...options, contentType, contentLength: body.length })
  switch (transfer._tag) {
    case "Reset":
    case "Truncate":
      return streamed(
        Stream.concat(
          Stream.make(body.subarray(0, body.length >> 1)),
          Stream.dieMessage(`flag server: ${transfer._tag.toLowerCase()} fault`)
        )
      )
    case "Stall":
      // an empty first chunk gets the headers out; then nothing
      return streamed(Stream.concat(Stream.make(new Uint8Array(0)), Stream.never))
    case "Slow": {
      const size = Math.max(1, Math.floor(transfer.bytesPerSecond / 10))
      const chunks = Chunk.unsafeFromArray(
        Array.from({ length: Math.ceil(body.length / size) }, (_, i) =>
          body.subarray(i * size, (i + 1) * size)
        )
      )
      return streamed(
        Stream.fromChunk(chunks).pipe(
          Stream.rechunk(1),
          Stream.tap(() => Effect.sleep("100 millis"))
        )
      )
    }
  }
}

/** The `HttpApp` answering with `responder`, counting its requests in flight. */
export const httpApp = (responder: Responder): HttpApp.Default =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
    const inFlight = responder.inFlight
    const conditions = {
      ifNoneMatch: request.headers["if-none-match"],
      ifModifiedSince: request.headers["if-modified-since"]
    }
    const reply = Effect.map(responder.respond(request.method, request.url, conditions), (reply) =>
      toResponse(request.method === "HEAD", reply)
    )
    if (!responder.counted(request.url)) return reply
    inFlight.enter()
    return Effect.ensuring(
      reply,
      Effect.sync(() => inFlight.leave())
    )
  })
