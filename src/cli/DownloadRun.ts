/** A whole `flags download` run: pick the server and codes, report, download with progress, report. */
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Path from "@effect/platform/Path"
import type * as Terminal from "@effect/platform/Terminal"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as CountryCodes from "../download/CountryCodes.js"
import { downloadMany } from "../download/Downloader.js"
import type { Summary } from "../download/Outcome.js"
import * as NodeFlagServer from "../node/NodeFlagServer.js"
import type * as FlagServer from "../server/FlagServer.js"
import type { FlagStoreError } from "../server/FlagStore.js"
import type { FaultOptions } from "../server/ServerFaults.js"
import * as Sessions from "../session/Sessions.js"
import * as Progress from "../terminal/Progress.js"
import { type BatchRunOptions, type DownloadsFailed, requestOptionsOf, runBatch } from "./BatchRun.js"
import { urlOfLabel } from "./BookServers.js"
import { flagStyle, initialReport } from "./Report.js"

/** Everything `flags download` was asked. */
export interface DownloadRunOptions extends BatchRunOptions {
  readonly args: ReadonlyArray<string>
  readonly all: boolean
  readonly every: boolean
  readonly limit: number | undefined
  readonly server: string
  readonly extension: string | undefined
  readonly names: boolean
  /** Faults of the EMBEDDED server. */
  readonly faults: FaultOptions & { readonly seed?: number | undefined }
}

/** Runs `flags download`: reports on stdout, progress on `ProgressTerminal`. */
export const runDownload = (
  options: DownloadRunOptions
): Effect.Effect<
  Summary,
  | DownloadsFailed
  | Sessions.SessionError
  | FlagServer.FlagServerError
  | FlagStoreError
  | CountryCodes.InvalidCodeArgument,
  Terminal.Terminal | Progress.ProgressTerminal | HttpClient.HttpClient | FileSystem.FileSystem | Path.Path
> =>
  Effect.scoped(
    Effect.gen(function* () {
      const progressTerminal = yield* Progress.ProgressTerminal
      const label = options.server.toUpperCase()
      const embedded =
        label === "EMBEDDED"
          ? yield* NodeFlagServer.make({ ...options.faults, host: "127.0.0.1", port: 0 })
          : undefined
      const labelled = urlOfLabel(label)
      const baseUrl = embedded?.baseUrl ?? labelled ?? options.server.replace(/\/+$/, "")
      const shownLabel = embedded !== undefined || labelled !== undefined ? label : "CUSTOM"
      const extension = options.extension ?? embedded?.extension ?? "gif"
      if (embedded === undefined && Object.values(options.faults).some((value) => value !== undefined)) {
        yield* Effect.ignore(
          progressTerminal.display(
            `flags: --delay, --error-rate, --seed, … shape the EMBEDDED server only; ignored for ${baseUrl}\n`
          )
        )
      }
      const codes = yield* Either.match(
        CountryCodes.select({
          args: options.args,
          all: options.all,
          every: options.every,
          limit: options.limit,
          published: embedded?.codes
        }),
        { onLeft: Effect.fail, onRight: Effect.succeed }
      )
      const concurrency = Math.max(1, Math.min(options.maxReq, codes.length))

      const config = {
        ...requestOptionsOf(options),
        baseUrl,
        extension,
        dest: options.dest,
        names: options.names,
        onExists: options.onExists
      }
      return yield* runBatch(
        {
          initialReport: initialReport(codes, concurrency, shownLabel, baseUrl),
          total: codes.length,
          dest: options.dest,
          json: { server: baseUrl, extension, dest: options.dest, concurrency },
          // the embedded server's files are the same every run, its port is not
          sessionServer: embedded === undefined ? undefined : label,
          downloads: (hooks, session) =>
            session === undefined
              ? downloadMany(codes, config, { concurrency, ...hooks })
              : Effect.provide(
                  Sessions.downloadMany(codes, config, { concurrency, ...hooks, session: session.options }),
                  session.journal
                )
        },
        { ...options, style: flagStyle }
      )
    })
  )
