/** A whole `flags download` run: pick the server and codes, report, download with progress, report. */
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Path from "@effect/platform/Path"
import * as Terminal from "@effect/platform/Terminal"
import * as Clock from "effect/Clock"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as CountryCodes from "../CountryCodes.js"
import { downloadMany } from "../Downloader.js"
import * as FlagClient from "../FlagClient.js"
import { type DestinationError, prepareDestination } from "../FlagFiles.js"
import * as FlagServer from "../FlagServer.js"
import type { FlagStoreError } from "../FlagStore.js"
import { type Outcome, type Summary, summarize } from "../Outcome.js"
import type * as OutputMode from "../OutputMode.js"
import * as Progress from "../Progress.js"
import * as Renderer from "../Renderer.js"
import type { FaultOptions } from "../ServerFaults.js"
import { urlOfLabel } from "./BookServers.js"
import { errorLine, finalReport, initialReport, jsonReport, outcomeLine } from "./Report.js"

/** Everything `flags download` was asked. */
export interface DownloadRunOptions {
  readonly args: ReadonlyArray<string>
  readonly all: boolean
  readonly every: boolean
  readonly limit: number | undefined
  readonly maxReq: number
  readonly server: string
  readonly extension: string | undefined
  readonly dest: string
  readonly verbose: boolean
  readonly names: boolean
  /** Seconds for each phase of a request. */
  readonly timeoutSeconds: number
  /** Seconds for a whole download, if limited. */
  readonly maxTimeSeconds: number | undefined
  readonly retries: number
  readonly json: boolean
  /** How progress is shown on `ProgressTerminal`: `auto` lets the terminal and environment decide. */
  readonly progress: OutputMode.Choice
  /** OSC 9;4 taskbar progress while downloading. */
  readonly taskbar: boolean
  /** Faults of the EMBEDDED server. */
  readonly faults: FaultOptions & { readonly seed?: number | undefined }
}

/** Some downloads ended in ERROR; the report has been printed. */
export class DownloadsFailed extends Data.TaggedError("DownloadsFailed")<{ readonly errors: number }> {
  override get message() {
    return `${this.errors} download${this.errors === 1 ? "" : "s"} failed`
  }
}

/** Runs `flags download`: reports on stdout, progress on `ProgressTerminal`. */
export const runDownload = (
  options: DownloadRunOptions
): Effect.Effect<
  Summary,
  | DownloadsFailed
  | DestinationError
  | FlagServer.FlagServerError
  | FlagStoreError
  | CountryCodes.InvalidCodeArgument,
  Terminal.Terminal | Progress.ProgressTerminal | HttpClient.HttpClient | FileSystem.FileSystem | Path.Path
> =>
  Effect.scoped(
    Effect.gen(function* () {
      const terminal = yield* Terminal.Terminal
      const progressTerminal = yield* Progress.ProgressTerminal
      const label = options.server.toUpperCase()
      const embedded =
        label === "EMBEDDED"
          ? yield* FlagServer.make({ ...options.faults, host: "127.0.0.1", port: 0 })
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

      // with --json, stdout carries the JSON alone
      const say = (line: string) =>
        Effect.ignore((options.json ? progressTerminal : terminal).display(`${line}\n`))
      for (const line of initialReport(codes, concurrency, shownLabel, baseUrl)) yield* say(line)
      yield* prepareDestination(options.dest)

      const finished: Array<Outcome> = []
      const started = yield* Clock.currentTimeMillis
      const report = (summary: Summary) =>
        options.json
          ? Effect.ignore(
              terminal.display(
                `${jsonReport(summary, { server: baseUrl, extension, dest: options.dest, concurrency })}\n`
              )
            )
          : Effect.forEach(finalReport(summary), say, { discard: true })
      const partialReport = Effect.gen(function* () {
        const elapsed = Duration.millis((yield* Clock.currentTimeMillis) - started)
        yield* report(summarize(finished, elapsed))
      })

      // -v lines stand above the bar when both share the terminal; elsewhere they are stdout's, as the book's
      const stdoutIsTTY = yield* terminal.isTTY
      // the bar's scope closes (ending it with the downloads' Exit) before the renderer's does
      const summary = yield* Effect.scoped(
        Effect.gen(function* () {
          const renderer = yield* Renderer.Renderer
          const bar = yield* renderer.task("", { total: codes.length })
          const verboseLine =
            options.json || !(renderer.output.mode === "live" && stdoutIsTTY) ? say : renderer.log
          return yield* downloadMany(
            codes,
            {
              baseUrl,
              extension,
              dest: options.dest,
              names: options.names,
              ...FlagClient.defaultRequestOptions,
              timeout: Duration.millis(Math.round(options.timeoutSeconds * 1000)),
              maxTime:
                options.maxTimeSeconds === undefined
                  ? undefined
                  : Duration.millis(Math.round(options.maxTimeSeconds * 1000)),
              retries: options.retries
            },
            {
              concurrency,
              onStart: bar.itemStarted,
              onOutcome: (outcome) =>
                Effect.zipRight(
                  Effect.sync(() => finished.push(outcome)),
                  options.verbose
                    ? Effect.zipRight(bar.itemEnded(outcome.id), verboseLine(outcomeLine(outcome)))
                    : bar.itemEnded(outcome.id)
                )
            }
          )
        })
      ).pipe(
        Effect.provide(Progress.layer({ mode: options.progress, taskbar: options.taskbar })),
        Effect.onInterrupt(() => partialReport)
      )

      yield* report(summary)
      const failures = summary.outcomes.filter((o) => o.status === "ERROR")
      const reasons = new Set(failures.map((o) => (o.error === undefined ? "" : errorLine(o.error))))
      // one cause for every failure (a server down, say): one line, unless -v just printed it
      if (failures.length === codes.length && reasons.size === 1 && (codes.length > 1 || !options.verbose)) {
        const which = codes.length === 1 ? "the download" : "every download"
        yield* Effect.ignore(progressTerminal.display(`flags: ${which} failed: ${[...reasons][0]}\n`))
      }
      if (summary.error > 0) return yield* new DownloadsFailed({ errors: summary.error })
      return summary
    })
  )
