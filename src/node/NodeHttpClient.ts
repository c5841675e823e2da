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
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { type PhaseTracker, Reporting, Tracker } from "../download/RequestPhases.js"
import * as ConnectionPacing from "./internal/connectionPacing.js"
import { NodeClientResponse } from "./internal/nodeHttpClientResponse.js"

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
export const make = (agents: Agents): HttpClient.HttpClient => {
  const pacing = ConnectionPacing.make()
  return HttpClient.makeWith<never, never, HttpClientError.HttpClientError, never>(
    (requests) => Effect.flatMap(requests, (request) => send(agents, pacing, request)),
    Effect.succeed
  )
}

/** The request's tracker, read from the fiber's context without an effect (the hot path). */
const trackerOf = (fiber: Fiber.RuntimeFiber<unknown, unknown>): PhaseTracker | undefined =>
  Option.getOrUndefined(Context.getOption(fiber.currentContext, Tracker))

interface Agents {
  readonly http: Http.Agent
  readonly https: Https.Agent
}

/** The agent's name for `url`'s host, and whether the agent has a free keep-alive socket for it. */
const agentFor = (agents: Agents, url: URL) => {
  const agent = url.protocol === "https:" ? agents.https : agents.http
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname
  const port = url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port)
  const name = agent.getName({ host, port })
  return { agent, name, free: (agent.freeSockets[name]?.length ?? 0) > 0 }
}

const send = (
  agents: Agents,
  pacing: ConnectionPacing.Pacing,
  request: HttpClientRequest.HttpClientRequest
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> => {
  const url = UrlParams.makeUrl(request.url, request.urlParams, request.hash)
  if (Either.isLeft(url)) {
    return Effect.fail(new HttpClientError.RequestError({ request, reason: "InvalidUrl", cause: url.left }))
  }
  return Effect.clockWith((clock) => {
    const host = agentFor(agents, url.right)
    const now = () => clock.unsafeCurrentTimeMillis()
    const learn = (lesson: ConnectionPacing.Lesson) => pacing.learn(host.name, lesson, now())
    // a free keep-alive socket is used at once
    if (host.free) return sendNow(agents, request, url.right, learn)
    // a new connection waits for a slot in the host's window, a handshake and its turn (connectionPacing)
    const slots = pacing.slots(host.name, now())
    return Effect.withFiberRuntime((fiber) => {
      // the wait is this client's own queue, as httpx's pool and the book's semaphore are: no phase of
      // the request runs out meanwhile (with 100 queued against a slow host, turns came seconds apart and
      // answers that came in milliseconds were reported as timeouts, measured)
      const tracker = trackerOf(fiber)
      let queued = false
      const queue = () => {
        if (queued) return
        queued = true
        tracker?.queue()
      }
      // a host that closes every connection: its window may be full (the slot is taken just below)
      if (slots !== undefined) queue()
      let started = now()
      const turnThenSend = (connected: (() => void) | undefined) =>
        Effect.zipRight(
          Effect.suspend(() => {
            const wait = pacing.wait(host.name, now())
            if (wait === 0) return Effect.void
            queue()
            return clock.sleep(Duration.millis(wait))
          }),
          Effect.suspend(() => {
            started = now()
            if (queued) tracker?.enter("connect")
            return sendNow(agents, request, url.right, learn, connected)
          })
        )
      const sent = Effect.suspend(() => pacing.handshake(host.name, now(), queue, turnThenSend))
      const ended = (exit: Exit.Exit<unknown, unknown>, slotted: boolean) => {
        const at = now()
        const took = Exit.isInterrupted(exit) ? undefined : at - started
        return pacing.ended(host.name, took, at, { answered: Exit.isSuccess(exit), slotted })
      }
      return slots === undefined
        ? // counted, so that a host found to close connections knows how many are out
          Effect.acquireUseRelease(
            Effect.sync(() => pacing.unslotted(host.name, now())),
            () => sent,
            (_, exit) => ended(exit, false)
          )
        : slots.withPermits(1)(Effect.onExit(sent, (exit) => ended(exit, true)))
    })
  })
}

// a keep-alive socket the server closed as the request went out: nothing was answered, so a request
// that can be repeated is sent once more, on a new connection (as undici and browsers do). The host's
// other idle sockets go first: a server that closed one idle connection has mostly closed them all
// (its keep-alive timeout passed while this process was starved), and the resend would get one
const staleSocket = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED"])
const repeatable = new Set(["GET", "HEAD"])
const closedUnderIt = (nodeRequest: Http.ClientRequest, method: string, cause: unknown) =>
  nodeRequest.reusedSocket &&
  repeatable.has(method) &&
  typeof cause === "object" &&
  cause !== null &&
  (staleSocket.has(String((cause as { code?: unknown }).code)) ||
    (cause as { message?: unknown }).message === "socket hang up")

const dropIdleSockets = (agents: Agents, url: URL) => {
  const { agent, name } = agentFor(agents, url)
  for (const socket of agent.freeSockets[name] ?? []) socket.destroy()
}

const sendNow = (
  agents: Agents,
  request: HttpClientRequest.HttpClientRequest,
  url: URL,
  learn: (lesson: ConnectionPacing.Lesson) => void,
  connected?: () => void,
  onStaleSocket: "resend" | "fail" = "resend"
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> =>
  Effect.withFiberRuntime((fiber) => {
    const tracker = trackerOf(fiber)
    return Effect.async((resume) => {
      const options: Http.RequestOptions = { method: request.method, headers: request.headers }
      const nodeRequest =
        url.protocol === "https:"
          ? Https.request(url, { ...options, agent: agents.https })
          : Http.request(url, { ...options, agent: agents.http })
      if (tracker !== undefined) trackPhases(nodeRequest, tracker)
      if (connected !== undefined) {
        nodeRequest.once("socket", (socket) => {
          if (socket.connecting) socket.once("connect", connected)
          else connected()
        })
      }
      const onError = (cause: unknown) =>
        resume(
          onStaleSocket === "resend" && closedUnderIt(nodeRequest, request.method, cause)
            ? Effect.zipRight(
                Effect.sync(() => dropIdleSockets(agents, url)),
                sendNow(agents, request, url, learn, undefined, "fail")
              )
            : Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause }))
        )
      nodeRequest.once("error", onError)
      nodeRequest.once("response", (source: Http.IncomingMessage) => {
        nodeRequest.off("error", onError)
        const connection = source.headers.connection?.toLowerCase()
        learn({
          closes: connection === "close" || (source.httpVersion === "1.0" && connection !== "keep-alive")
        })
        // a failure after the answer began belongs to the body: its reader reports it
        nodeRequest.on("error", () => {})
        source.on("error", () => {})
        resume(Effect.succeed(new NodeClientResponse(request, source, tracker)))
      })
      const unsent = sendBody(nodeRequest, request)
      if (unsent !== undefined) {
        nodeRequest.destroy()
        resume(Effect.fail(unsent))
      }
      return Effect.sync(() => nodeRequest.destroy())
    })
  })

/**
 * Tells the tracker each phase as Node sees it: connecting until the socket connects (a reused
 * keep-alive socket skips it), sending until the request is flushed, then waiting for the answer.
 */
const trackPhases = (nodeRequest: Http.ClientRequest, tracker: PhaseTracker) => {
  // until the answer's body is read, running out of time destroys the request (and its socket)
  tracker.onTimeout(() => nodeRequest.destroy(new Error("timed out")))
  nodeRequest.once("socket", (socket) => {
    if (socket.connecting) {
      tracker.enter("connect")
      socket.once("connect", () => tracker.enter("write"))
    } else tracker.enter("write")
  })
  nodeRequest.once("finish", () => tracker.enter("response"))
}

/** The client with keep-alive agents for the layer's life (no cap on sockets: `maxSockets` is unbounded). */
export const layer: Layer.Layer<HttpClient.HttpClient | Reporting> = Layer.scoped(
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
).pipe(
  // it reports every phase, and stops its own waits when one runs out (the request, then the body)
  Layer.merge(Layer.succeed(Reporting, { stopsOnTimeout: true, bodyProgress: true }))
)
