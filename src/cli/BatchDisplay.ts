/**
 * How `flags download` and `flags fetch` show a batch: the initial report and dest prepared when it
 * opens, a bar (and the in-flight line) on the renderer and the `-v` lines while it runs, the final
 * report (or `--json`) and the exit's failure when it finishes, a partial report when it is interrupted or a full disk stops it.
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Path from "@effect/platform/Path"
import * as Terminal from "@effect/platform/Terminal"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as ExecutionStrategy from "effect/ExecutionStrategy"
import * as Exit from "effect/Exit"
import * as FiberId from "effect/FiberId"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import { type DestinationError, prepareDestination } from "../download/Destination.js"
import { type Outcome, type Summary, summarize } from "../download/Outcome.js"
import * as UrlList from "../download/UrlList.js"
import type { Opened } from "../session/Sessions.js"
import * as Progress from "../terminal/Progress.js"
import * as Renderer from "../terminal/Renderer.js"
import type * as Task from "../terminal/Task.js"
import { errorLine, finalReport, jsonReport, outcomeLine, type ReportStyle, sessionLines } from "./Report.js"

/** Some downloads ended in ERROR; the report has been printed. */
export class DownloadsFailed extends Data.TaggedError("DownloadsFailed")<{ readonly errors: number }> {
  override get message() {
    return `${this.errors} download${this.errors === 1 ? "" : "s"} failed`
  }
}

/** How a batch shows itself, as the shared options ask (`BatchOptions`). */
export interface Options {
  /** `-v`: a line per outcome. */
  readonly verbose: boolean
  /** `--json`: the final report as JSON, alone on stdout. */
  readonly json: boolean
  /** The renderer of the bar on `ProgressTerminal` (`--progress`, `--taskbar`). */
  readonly renderer: Renderer.Options
  /** `--retry-failed`: the session's lines say how many run again. */
  readonly retryFailed: boolean
}

/** What a batch is, as its reports tell it. */
export interface Header {
  /** The initial report. */
  readonly lines: ReadonlyArray<string>
  /** How many downloads: the bar's total. */
  readonly total: number
  readonly dest: string
  /** Extra fields of the `--json` report (server, concurrency, …). */
  readonly json: Record<string, unknown>
  readonly style: ReportStyle
}

/** A batch on show: the hooks its downloads report to, and how it finishes. */
export interface Shown {
  /** `onStart` and `onOutcome` of the downloads: they move the bar and print the `-v` lines. */
  readonly hooks: {
    readonly onStart: (id: string) => Effect.Effect<void>
    readonly onOutcome: (outcome: Outcome) => Effect.Effect<void>
  }
  /** `onOpen` of a session: the bar's total and the session's lines. */
  readonly onOpen: (opened: Opened) => Effect.Effect<void>
  /**
   * A file's bytes on disk and its whole length: a big file (1 MiB or more) gets a line of its own
   * among the tasks, in bytes with its rate and ETA, until its outcome.
   */
  readonly onProgress: (id: string, bytes: number, length: number | undefined) => Effect.Effect<void>
  /** Ends the bar and the renderer, then prints the final report; fails with `DownloadsFailed` after it. */
  readonly finish: (summary: Summary) => Effect.Effect<void, DownloadsFailed>
}

/** A file this large (or larger) gets a progress line of its own. */
const bigFile = 1024 * 1024

/** A file line's label: the URL's file name (its id), as the file is named. */
const fileLabel = (id: string) => {
  try {
    return UrlList.nameFromUrl(id)
  } catch {
    return id
  }
}

const isDiskFull = (exit: Exit.Exit<unknown, unknown>) =>
  Exit.isFailure(exit) &&
  Option.exists(
    Cause.failureOption(exit.cause),
    (error) => (error as { _tag?: unknown })?._tag === "DiskFull"
  )

/** The batch was cut short: interrupted, or stopped by a full disk. What finished is still reported. */
const cutShort = (exit: Exit.Exit<unknown, unknown>) =>
  Exit.isFailure(exit) && (Cause.isInterruptedOnly(exit.cause) || isDiskFull(exit))

/**
 * Prints the initial report, prepares dest and puts a bar on a renderer of `ProgressTerminal`, for the
 * scope's life: a scope closed before `finish` (the downloads failed, or were interrupted) ends the bar
 * with its Exit, and after an interruption prints a partial report of what finished.
 */
export const open = (
  header: Header,
  options: Options
): Effect.Effect<
  Shown,
  DestinationError,
  Scope.Scope | Terminal.Terminal | Progress.ProgressTerminal | FileSystem.FileSystem | Path.Path
> =>
  Effect.gen(function* () {
    const terminal = yield* Terminal.Terminal
    const progressTerminal = yield* Progress.ProgressTerminal
    // with --json, stdout carries the JSON alone
    const say = (line: string) =>
      Effect.ignore((options.json ? progressTerminal : terminal).display(`${line}\n`))
    for (const line of header.lines) yield* say(line)
    yield* prepareDestination(header.dest)

    const finished: Array<Outcome> = []
    const started = yield* Clock.currentTimeMillis
    const report = (summary: Summary) =>
      options.json
        ? Effect.ignore(terminal.display(`${jsonReport(summary, header.json, header.style)}\n`))
        : Effect.forEach(finalReport(summary, header.style), say, { discard: true })
    let finishing = false
    // added before the renderer's scope, so it runs after the renderer has closed
    yield* Effect.addFinalizer((exit) =>
      finishing || !cutShort(exit)
        ? Effect.void
        : Effect.flatMap(Clock.currentTimeMillis, (now) =>
            report(summarize(finished, Duration.millis(now - started)))
          )
    )

    // the bar, made after the renderer in the renderer's scope, ends (with the downloads' Exit) before it
    const scope = yield* Scope.fork(yield* Effect.scope, ExecutionStrategy.sequential)
    const rendered = yield* Layer.buildWithScope(Progress.layer(options.renderer), scope)
    const renderer = Context.get(rendered, Renderer.Renderer)
    const bar = yield* Scope.extend(renderer.task("", { total: header.total }), scope)
    // a full disk has its one line from the bin: the bar ends as cut short (⚠ 3/10), not with the message
    yield* Scope.addFinalizerExit(scope, (exit) =>
      isDiskFull(exit) ? bar.end(Exit.interrupt(FiberId.none)) : Effect.void
    )
    // -v lines stand above the bar when both share the terminal; elsewhere they are stdout's, as the book's
    const stdoutIsTTY = yield* terminal.isTTY
    const verboseLine = options.json || !(renderer.output.mode === "live" && stdoutIsTTY) ? say : renderer.log
    // the big files' own lines, by id; the small ones only move the bar
    const fileLines = new Map<string, Task.Task>()
    const endFileLine = (id: string, exit: Exit.Exit<unknown, unknown>) => {
      const line = fileLines.get(id)
      if (line === undefined) return Effect.void
      fileLines.delete(id)
      return line.end(exit)
    }

    return {
      hooks: {
        onStart: bar.itemStarted,
        onOutcome: (outcome) =>
          Effect.zipRight(
            Effect.zipRight(
              Effect.sync(() => finished.push(outcome)),
              endFileLine(outcome.id, outcome.status === "ERROR" ? Exit.fail(outcome.error) : Exit.void)
            ),
            options.verbose
              ? Effect.zipRight(bar.itemEnded(outcome.id), verboseLine(outcomeLine(outcome, header.style)))
              : bar.itemEnded(outcome.id)
          )
      },
      onProgress: (id, bytes, length) => {
        const line = fileLines.get(id)
        if (line !== undefined) return line.set(bytes)
        if ((length ?? bytes) < bigFile) return Effect.void
        return Effect.flatMap(
          Scope.extend(renderer.task(fileLabel(id), { total: length, unit: "bytes", onEnd: "clear" }), scope),
          (task) => {
            fileLines.set(id, task)
            return task.set(bytes)
          }
        )
      },
      onOpen: (opened) =>
        Effect.zipRight(
          bar.setTotal(opened.items),
          Effect.forEach(sessionLines(opened, { retryFailed: options.retryFailed }), verboseLine, {
            discard: true
          })
        ),
      finish: (summary) =>
        Effect.gen(function* () {
          finishing = true
          yield* Scope.close(scope, Exit.succeed(summary))
          yield* report(summary)
          const failures = summary.outcomes.filter((o) => o.status === "ERROR")
          const reasons = new Set(failures.map((o) => (o.error === undefined ? "" : errorLine(o.error))))
          // one cause for every failure (a server down, say): one line, unless -v just printed it
          const all = summary.outcomes.length
          if (all > 0 && failures.length === all && reasons.size === 1 && (all > 1 || !options.verbose)) {
            const which = all === 1 ? "the download" : "every download"
            yield* Effect.ignore(progressTerminal.display(`flags: ${which} failed: ${[...reasons][0]}\n`))
          }
          if (summary.error > 0) return yield* new DownloadsFailed({ errors: summary.error })
        })
    }
  })
