/**
 * The flag server on Node's `http` module: one fiber per request runs the reply, and the reply is
 * written to the socket directly, so broken transfers (reset, truncation, stall) are real ones.
 */
import type * as Http from "node:http"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import * as FiberId from "effect/FiberId"
import type { Reply, Responder } from "../../server/FlagResponder.js"

const slowTick = "100 millis"

/** Sends `reply`; the effect ends when the response is done (or never, for a stall). */
const send = (head: boolean, response: Http.ServerResponse, reply: Reply): Effect.Effect<void> => {
  const transfer = reply.transfer
  if (head || transfer._tag === "None") {
    response.writeHead(reply.status, reply.headers).end(head ? undefined : reply.body)
    return Effect.void
  }
  const body = reply.body
  response.writeHead(reply.status, reply.headers)
  switch (transfer._tag) {
    case "Reset":
      response.write(body.subarray(0, body.length >> 1), () => response.socket?.resetAndDestroy())
      return Effect.never
    case "Truncate":
      response.write(body.subarray(0, body.length >> 1), () => response.socket?.destroy())
      return Effect.never
    case "Stall":
      response.flushHeaders()
      return Effect.never
    case "Slow": {
      // a tenth of the bandwidth every tenth of a second, on Effect's clock
      const chunk = Math.max(1, Math.floor(transfer.bytesPerSecond / 10))
      const from = (offset: number): Effect.Effect<void> =>
        offset >= body.length
          ? Effect.async<void>((resume) => {
              response.end(() => resume(Effect.void))
            })
          : Effect.sync(() => response.write(body.subarray(offset, offset + chunk))).pipe(
              Effect.zipRight(Effect.sleep(slowTick)),
              Effect.zipRight(Effect.suspend(() => from(offset + chunk)))
            )
      return from(0)
    }
  }
}

/** How the listener replies, beyond the responder's replies. */
export interface ListenerOptions {
  /** Close the connection after every reply (`Connection: close`), as HTTP/1.0 servers do. */
  readonly closeEachConnection: boolean
}

/**
 * A `request` listener answering with `responder`, each reply in a fiber of `runFork` (a `FiberSet`'s,
 * so the server's scope interrupts what is still running). Replies known at once complete inside the
 * listener; the others are interrupted when their client leaves.
 */
export const listener = (
  responder: Responder,
  runFork: (effect: Effect.Effect<void>) => Fiber.RuntimeFiber<void>,
  options: ListenerOptions
) => {
  const inFlight = responder.inFlight
  const closeEach = options.closeEachConnection
  return (request: Http.IncomingMessage, response: Http.ServerResponse): void => {
    const method = request.method ?? "GET"
    const url = request.url ?? "/"
    if (closeEach) response.shouldKeepAlive = false
    const counted = responder.counted(url)
    if (counted) inFlight.enter()
    // Node has parsed the headers already (it checks Host on every HTTP/1.1 request)
    const ifNoneMatch = request.headers["if-none-match"]
    const ifModifiedSince = request.headers["if-modified-since"]
    const conditions =
      ifNoneMatch === undefined && ifModifiedSince === undefined
        ? undefined
        : { ifNoneMatch, ifModifiedSince }
    const fiber = runFork(
      Effect.flatMap(responder.respond(method, url, conditions), (reply) =>
        send(method === "HEAD", response, reply)
      )
    )
    const done = (exit: Exit.Exit<void>) => {
      if (counted) inFlight.leave()
      // a defect in a reply: the client sees the connection end, the server goes on
      if (Exit.isFailure(exit) && !response.writableEnded) response.destroy()
    }
    const exit = fiber.unsafePoll()
    if (exit !== null) {
      done(exit)
      return
    }
    const onClose = () => fiber.unsafeInterruptAsFork(FiberId.none)
    response.once("close", onClose)
    fiber.addObserver((exit) => {
      response.off("close", onClose)
      done(exit)
    })
  }
}
