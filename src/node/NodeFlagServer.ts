/**
 * The flag server on Node's `http` module: every reply written to the socket directly, so broken
 * transfers (reset, truncation, stall) are real ones, and `backlog` is the listen queue's.
 */
import * as Http from "node:http"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Path from "@effect/platform/Path"
import * as Effect from "effect/Effect"
import * as FiberSet from "effect/FiberSet"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as FlagResponder from "../server/FlagResponder.js"
import {
  FlagServer,
  FlagServerError,
  type FlagServerOptions,
  type RunningFlagServer
} from "../server/FlagServer.js"
import type * as FlagStore from "../server/FlagStore.js"
import { listener } from "./internal/nodeFlagServer.js"

/**
 * Starts a flag server on Node's `http` module for the life of the scope. Delays and slow bodies
 * run on the clock of the calling fiber (a `TestClock` in tests).
 */
export const make = (
  options: FlagServerOptions = {}
): Effect.Effect<
  RunningFlagServer,
  FlagServerError | FlagStore.FlagStoreError,
  Scope.Scope | FileSystem.FileSystem | Path.Path
> =>
  Effect.gen(function* () {
    const responder = yield* FlagResponder.make(options)
    const host = options.host ?? "127.0.0.1"
    const port = options.port ?? 0
    const runFork = yield* FiberSet.makeRuntime<never, void, never>()
    const server = Http.createServer(
      { keepAliveTimeout: 5_000 },
      listener(responder, runFork, { closeEachConnection: options.http10 === true })
    )
    yield* Effect.acquireRelease(
      Effect.async<void, FlagServerError>((resume) => {
        const onError = (cause: Error) =>
          resume(Effect.fail(new FlagServerError({ address: `${host}:${port}`, cause })))
        server.once("error", onError)
        server.listen(
          { host, port, ...(options.backlog === undefined ? {} : { backlog: options.backlog }) },
          () => {
            server.off("error", onError)
            resume(Effect.void)
          }
        )
      }),
      // stalled and slow replies keep their connections open: cut them so shutdown never waits on a
      // client (the FiberSet then interrupts the replies still running)
      () =>
        Effect.async<void>((resume) => {
          server.close(() => resume(Effect.void))
          server.closeAllConnections()
        })
    )
    const address = server.address()
    return FlagResponder.running(
      responder,
      host,
      typeof address === "object" && address !== null ? address.port : port
    )
  })

/** A layer running a flag server on Node's `http` for the life of the layer. */
export const layer = (
  options: FlagServerOptions = {}
): Layer.Layer<FlagServer, FlagServerError | FlagStore.FlagStoreError, FileSystem.FileSystem | Path.Path> =>
  Layer.scoped(FlagServer, make(options))
