/** What every way of serving shares: the store an options object names, and the running server's view. */
import * as Effect from "effect/Effect"
import type { FlagServerOptions, RunningFlagServer } from "../FlagServer.js"
import * as FlagStore from "../FlagStore.js"
import type * as FlagReplies from "./flagReplies.js"

/** The bundled flags, or the book's folder `dir`. */
export const storeOf = (options: FlagServerOptions) =>
  options.dir === undefined ? FlagStore.bundled : FlagStore.directory(options.dir)

/** The running server answering with `responder` at `baseUrl`. */
export const running = (responder: FlagReplies.Responder, baseUrl: string): RunningFlagServer => ({
  baseUrl,
  extension: responder.extension,
  codes: responder.codes,
  inFlight: Effect.sync(() => responder.inFlight.current),
  maxInFlight: Effect.sync(() => responder.inFlight.max),
  requests: Effect.sync(() => responder.inFlight.requests),
  throttled: Effect.sync(() => responder.inFlight.throttled)
})

/** The flags' base URL on `host:port` (an IPv6 host in brackets). */
export const urlOf = (host: string, port: number) =>
  `http://${host.includes(":") ? `[${host}]` : host}:${port}/flags`
