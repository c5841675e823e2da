/**
 * What the flag server replies to a request, whichever HTTP server sends it: routing, the fault
 * draw, the delay, the log line, conditional requests (`304 Not Modified`). With no faults and no
 * log, each reply is built once and reused.
 */
import * as Clock from "effect/Clock"
import * as Console from "effect/Console"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import type * as FlagStore from "../FlagStore.js"
import { type Decision, decide, type Fault, type FaultOptions, isQuiet } from "../ServerFaults.js"
import { type Conditions, conditional, noConditions } from "./conditionalReply.js"

/** How the body of a reply travels: whole, or broken in one of the fault menu's ways. */
export type Transfer = Exclude<Fault, { readonly _tag: "Status" }>

/** One reply: status, headers (with `content-length`), the body, and how it is sent. */
export interface Reply {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: Uint8Array
  readonly transfer: Transfer
}

/** Counts the requests being answered, the most at once, every request, and those throttled. */
export class InFlight {
  current = 0
  max = 0
  requests = 0
  throttled = 0
  enter(): void {
    this.requests++
    if (++this.current > this.max) this.max = this.current
  }
  leave(): void {
    this.current--
  }
}

/** A flag store behind the fault menu. */
export interface Responder {
  readonly codes: ReadonlyArray<string>
  readonly extension: string
  readonly inFlight: InFlight
  /** Whether a request for `url` counts in `inFlight` (a look at `/stats` does not). */
  readonly counted: (url: string) => boolean
  /**
   * The reply to `method url` (the raw request target, query included), after any delay; a file
   * whose validators match `conditions` is a `304 Not Modified` with no body.
   */
  readonly respond: (method: string, url: string, conditions?: Conditions) => Effect.Effect<Reply>
}

const whole: Transfer = { _tag: "None" }
const empty = new Uint8Array(0)
const text = (status: number, message: string, headers: Record<string, string> = {}): Reply => {
  const body = new TextEncoder().encode(message)
  const length = String(body.length)
  return {
    status,
    headers: { "content-type": "text/plain", "content-length": length, ...headers },
    body,
    transfer: whole
  }
}
const notFound = text(404, "404 Not Found\n")
const notAllowed = text(405, "405 Method Not Allowed\n", { allow: "GET, HEAD" })
const json = (value: unknown): Reply => {
  const body = new TextEncoder().encode(JSON.stringify(value))
  return {
    status: 200,
    headers: { "content-type": "application/json", "content-length": String(body.length) },
    body,
    transfer: whole
  }
}
const notFoundEffect = Effect.succeed(notFound)
const notAllowedEffect = Effect.succeed(notAllowed)

const fileReply = (file: FlagStore.FlagFile, transfer: Transfer = whole): Reply => ({
  status: 200,
  headers: {
    "content-type": file.contentType,
    "content-length": String(file.body.length),
    etag: file.etag,
    ...(file.lastModified === undefined ? {} : { "last-modified": file.lastModified.toUTCString() })
  },
  body: file.body,
  transfer
})

const statusReply = (status: number, retryAfter: Option.Option<number>): Reply => ({
  status,
  headers: Option.match(retryAfter, {
    onNone: () => ({ "content-length": "0" }),
    onSome: (seconds) => ({ "content-length": "0", "retry-after": String(seconds) })
  }),
  body: empty,
  transfer: whole
})

// `cc` is two lowercase letters; the file is `cc.ext` of the same code or `metadata.json`
const flagPath = /^\/flags\/([a-z]{2})\/(([a-z]{2})\.[a-z0-9]{1,8}|metadata\.json)$/

/** The replies of `store` under `options`'s faults; the fault draws come from a `Random` seeded by `seed`. */
export const make = (
  store: FlagStore.FlagStore,
  options: FaultOptions & { readonly seed?: number | undefined; readonly quiet?: boolean | undefined }
): Responder => {
  const quiet = options.quiet ?? true
  const plain = isQuiet(options) && quiet
  const random = options.seed === undefined ? undefined : Random.make(options.seed)
  const noDecision: Decision = { delay: Duration.zero, fault: whole }
  const decideOne = isQuiet(options)
    ? Effect.succeed(noDecision)
    : random === undefined
      ? decide(options)
      : Effect.withRandom(decide(options), random)
  const listingBody = new TextEncoder().encode(
    JSON.stringify({ extension: store.extension, codes: store.codes })
  )
  const listing = Effect.succeed<Reply>({
    status: 200,
    headers: { "content-type": "application/json", "content-length": String(listingBody.length) },
    body: listingBody,
    transfer: whole
  })

  // only replies that exist are kept: the keys are then bounded by the files there are
  const ready = new Map<string, Effect.Effect<Reply>>()
  const plainReply = (path: string, cc: string, name: string) =>
    Effect.map(store.file(cc, name), (file) => {
      if (Option.isNone(file)) return notFound
      const reply = fileReply(file.value)
      ready.set(path, Effect.succeed(reply))
      return reply
    })

  // the log line is written when the request's fate is drawn, before its delay, as slow_server.py does: a
  // client that gives up waiting still finds its request in the log
  const inFlight = new InFlight()
  // the throttle window opens with the first request the server gets
  const window =
    options.throttleWindow === undefined
      ? undefined
      : Duration.toMillis(Duration.decode(options.throttleWindow))
  let windowFrom: number | undefined
  const throttledNow = Effect.map(Clock.currentTimeMillis, (now) => {
    if (window === undefined) return false
    windowFrom ??= now
    return now < windowFrom + window
  })

  // a 304 has no body to break: its transfer is whole, as a HEAD's is
  const faultyReply = (method: string, cc: string, name: string, conditions: Conditions | undefined) =>
    Effect.gen(function* () {
      if (yield* throttledNow) {
        inFlight.throttled++
        return statusReply(429, Option.some(options.retryAfter ?? 1))
      }
      const decision = yield* decideOne
      const fault = decision.fault
      const reply =
        fault._tag === "Status"
          ? statusReply(fault.status, fault.retryAfter)
          : Option.match(yield* store.file(cc, name), {
              onNone: () => notFound,
              onSome: (file) => conditional(fileReply(file, method === "HEAD" ? whole : fault), conditions)
            })
      if (!quiet) {
        const seconds = (Duration.toMillis(decision.delay) / 1000).toFixed(2)
        const broken = reply.transfer._tag === "None" ? "" : ` ${reply.transfer._tag.toLowerCase()}`
        yield* Console.log(`${cc.toUpperCase()} delay: ${seconds}s ${reply.status}${broken}`)
      }
      if (Duration.greaterThan(decision.delay, Duration.zero)) yield* Effect.sleep(decision.delay)
      return reply
    })

  return {
    codes: store.codes,
    extension: store.extension,
    inFlight,
    counted: (url) => url !== "/stats",
    respond: (method, url, conditions) => {
      const queryAt = url.indexOf("?")
      const path = queryAt === -1 ? url : url.slice(0, queryAt)
      const readOnly = method === "GET" || method === "HEAD"
      // what the server has seen, for tests and curious users: `curl localhost:8000/stats`
      if (path === "/stats") {
        return Effect.sync(() =>
          json({
            inFlight: inFlight.current,
            maxInFlight: inFlight.max,
            requests: inFlight.requests,
            throttled: inFlight.throttled
          })
        )
      }
      if (path === "/flags" || path === "/flags/") return readOnly ? listing : notAllowedEffect
      const match = flagPath.exec(path)
      const cc = match?.[1]
      const name = match?.[2]
      if (cc === undefined || name === undefined || (match?.[3] !== undefined && match[3] !== cc)) {
        return notFoundEffect
      }
      if (!readOnly) return notAllowedEffect
      if (!plain) return faultyReply(method, cc, name, conditions)
      const reply = ready.get(path) ?? plainReply(path, cc, name)
      return noConditions(conditions) ? reply : Effect.map(reply, (a) => conditional(a, conditions))
    }
  }
}
