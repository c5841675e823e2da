/**
 * The flag server apart from any HTTP server: its reply to each request (routing, the fault menu, the
 * delays, conditional requests), for a listener of one's own. `NodeFlagServer` (effect-flags/node)
 * writes these replies to `node:http` sockets itself, so its broken transfers are real ones.
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Path from "@effect/platform/Path"
import * as Effect from "effect/Effect"
import type { FlagServerOptions, RunningFlagServer } from "./FlagServer.js"
import type * as FlagStore from "./FlagStore.js"
import * as FlagReplies from "./internal/flagReplies.js"
import * as Running from "./internal/running.js"

export type { Conditions } from "./internal/conditionalReply.js"
export type { InFlight, Reply, Responder, Transfer } from "./internal/flagReplies.js"

/** The responder of the options' flags (the bundled ones, or the book's folder `dir`) under their fault menu. */
export const make = (
  options: FlagServerOptions
): Effect.Effect<FlagReplies.Responder, FlagStore.FlagStoreError, FileSystem.FileSystem | Path.Path> =>
  Effect.map(Running.storeOf(options), (store) => FlagReplies.make(store, options))

/** The running server a listener on `host:port` makes of `responder`: its base URL, codes and counts. */
export const running = (responder: FlagReplies.Responder, host: string, port: number): RunningFlagServer =>
  Running.running(responder, Running.urlOf(host, port))
