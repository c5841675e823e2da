/**
 * What `flags download` and `flags fetch` share once they know what to get: the initial report, dest
 * prepared, the downloads with a bar (and the in-flight line) on the renderer, the `-v` lines, the
 * final report (or `--json`), a partial one after an interruption, and the exit's failure.
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Path from "@effect/platform/Path"
import * as Terminal from "@effect/platform/Terminal"
import * as Clock from "effect/Clock"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import { type OnExists, prepareDestination } from "../download/Destination.js"
import * as HttpGet from "../download/HttpGet.js"
import { type Outcome, type Summary, summarize } from "../download/Outcome.js"
import * as Journal from "../session/Journal.js"
import type * as Sessions from "../session/Sessions.js"
import type * as OutputMode from "../terminal/OutputMode.js"
import * as Progress from "../terminal/Progress.js"
import * as Renderer from "../terminal/Renderer.js"
import { errorLine, finalReport, jsonReport, outcomeLine, type ReportStyle, sessionLines } from "./Report.js"

/** Some downloads ended in ERROR; the report has been printed. */
export class DownloadsFailed extends Data.TaggedError("DownloadsFailed")<{ readonly errors: number }> {
  override get message() {
    return `${this.errors} download${this.errors === 1 ? "" : "s"} failed`
  }
}

/** What `flags download` and `flags fetch` are both asked (from `BatchOptions`). */
export interface BatchRunOptions {
  readonly maxReq: number
  readonly dest: string
  readonly onExists: OnExists
  readonly verbose: boolean
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
  /** `--session FILE` and how the run resumes it. */
  readonly session: {
    readonly file: string | undefined
    readonly retryFailed: boolean
    readonly recheckMissing: boolean
    readonly refresh: boolean
  }
}

const millis = (seconds: number) => Duration.millis(Math.round(seconds * 1000))

/** The request options the shared options ask for: the book's defaults, with the timeouts and retries given. */
export const requestOptionsOf = (options: BatchRunOptions): HttpGet.RequestOptions => ({
  ...HttpGet.defaultRequestOptions,
  timeout: millis(options.timeoutSeconds),
  maxTime: options.maxTimeSeconds === undefined ? undefined : millis(options.maxTimeSeconds),
  retries: options.retries
})

/** How the run shows itself, and its session. */
export interface BatchDisplay {
  readonly session: BatchRunOptions["session"]
  readonly verbose: boolean
  readonly json: boolean
  readonly progress: OutputMode.Choice
  readonly taskbar: boolean
  readonly style: ReportStyle
}

/** The hooks a batch's downloads report to. */
export interface BatchHooks {
  readonly onStart: (id: string) => Effect.Effect<void>
  readonly onOutcome: (outcome: Outcome) => Effect.Effect<void>
}

/** With `--session`: how the downloads run in it, and the journal (the file) to give them. */
export interface BatchSession {
  readonly options: Sessions.SessionOptions
  readonly journal: Layer.Layer<Journal.Journal, never, FileSystem.FileSystem | Path.Path>
}

/** One batch of `total` downloads into `dest`, run by `downloads` with the hooks given it. */
export interface Batch<R> {
  readonly initialReport: ReadonlyArray<string>
  readonly total: number
  readonly dest: string
  /** Extra fields of the `--json` report (server, concurrency, …). */
  readonly json: Record<string, unknown>
  /** How a session's journal names the server, when not by its URL (the embedded one's changes every run). */
  readonly sessionServer?: string | undefined
  readonly downloads: (
    hooks: BatchHooks,
    session: BatchSession | undefined
  ) => Effect.Effect<Summary, Sessions.SessionError, R>
}

/** Runs a batch: reports on stdout, progress on `ProgressTerminal`; fails with `DownloadsFailed` after the report. */
export const runBatch = <R>(
  batch: Batch<R>,
  display: BatchDisplay
): Effect.Effect<
  Summary,
  DownloadsFailed | Sessions.SessionError,
  R | Terminal.Terminal | Progress.ProgressTerminal | FileSystem.FileSystem | Path.Path
> =>
  Effect.gen(function* () {
    const terminal = yield* Terminal.Terminal
    const progressTerminal = yield* Progress.ProgressTerminal
    // with --json, stdout carries the JSON alone
    const say = (line: string) =>
      Effect.ignore((display.json ? progressTerminal : terminal).display(`${line}\n`))
    for (const line of batch.initialReport) yield* say(line)
    yield* prepareDestination(batch.dest)

    const finished: Array<Outcome> = []
    const started = yield* Clock.currentTimeMillis
    const report = (summary: Summary) =>
      display.json
        ? Effect.ignore(terminal.display(`${jsonReport(summary, batch.json, display.style)}\n`))
        : Effect.forEach(finalReport(summary, display.style), say, { discard: true })
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
        const bar = yield* renderer.task("", { total: batch.total })
        const verboseLine =
          display.json || !(renderer.output.mode === "live" && stdoutIsTTY) ? say : renderer.log
        const sessionFile = display.session.file
        const session: BatchSession | undefined =
          sessionFile === undefined
            ? undefined
            : {
                options: {
                  retryFailed: display.session.retryFailed,
                  recheckMissing: display.session.recheckMissing,
                  refresh: display.session.refresh,
                  server: batch.sessionServer,
                  onOpen: (opened) =>
                    Effect.zipRight(
                      bar.setTotal(opened.items),
                      Effect.forEach(sessionLines(opened, display.session), verboseLine, { discard: true })
                    )
                },
                journal: Journal.layerFile(sessionFile)
              }
        return yield* batch.downloads(
          {
            onStart: bar.itemStarted,
            onOutcome: (outcome) =>
              Effect.zipRight(
                Effect.sync(() => finished.push(outcome)),
                display.verbose
                  ? Effect.zipRight(
                      bar.itemEnded(outcome.id),
                      verboseLine(outcomeLine(outcome, display.style))
                    )
                  : bar.itemEnded(outcome.id)
              )
          },
          session
        )
      })
    ).pipe(
      Effect.provide(Progress.layer({ mode: display.progress, taskbar: display.taskbar })),
      Effect.onInterrupt(() => partialReport)
    )

    yield* report(summary)
    const failures = summary.outcomes.filter((o) => o.status === "ERROR")
    const reasons = new Set(failures.map((o) => (o.error === undefined ? "" : errorLine(o.error))))
    // one cause for every failure (a server down, say): one line, unless -v just printed it
    const all = summary.outcomes.length
    if (all > 0 && failures.length === all && reasons.size === 1 && (all > 1 || !display.verbose)) {
      const which = all === 1 ? "the download" : "every download"
      yield* Effect.ignore(progressTerminal.display(`flags: ${which} failed: ${[...reasons][0]}\n`))
    }
    if (summary.error > 0) return yield* new DownloadsFailed({ errors: summary.error })
    return summary
  })
