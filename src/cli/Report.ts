/** The book's reports (`flags2_common.py`): what a run will do, and what it did; for flags or any files. */
import * as Duration from "effect/Duration"
import type { DownloadError } from "../download/DownloadErrors.js"
import type { Outcome, Summary } from "../download/Outcome.js"
import type { Opened } from "../session/Sessions.js"
import { bytes as formatBytes } from "../terminal/TaskLine.js"

/** Flags (the book's words: `20 flags downloaded.`, `ZZ not found: URL`) or files of a URL list. */
export interface ReportStyle {
  /** `flag` or `file`. */
  readonly noun: string
  /** What an outcome's `id` is called in `--json`: `cc` or `url`. */
  readonly idKey: string
  /** `ZZ not found: URL` (flags, as the book), or `URL not found` (the id is the URL already). */
  readonly notFoundWithUrl: boolean
}

/** The book's style, for `flags download`. */
export const flagStyle: ReportStyle = { noun: "flag", idKey: "cc", notFoundWithUrl: true }

/** For `flags fetch`. */
export const fileStyle: ReportStyle = { noun: "file", idKey: "url", notFoundWithUrl: false }

const plural = (n: number, word: string) => `${word}${n === 1 ? "" : "s"}`

/** The lines printed before downloading flags. */
export const initialReport = (
  codes: ReadonlyArray<string>,
  concurrency: number,
  label: string,
  url: string
) => {
  const which = codes.length <= 10 ? codes.join(", ") : `from ${codes[0]} to ${codes[codes.length - 1]}`
  return [
    `${label} site: ${url}`,
    `Searching for ${codes.length} ${plural(codes.length, "flag")}: ${which}`,
    connections(concurrency)
  ]
}

/** How many connections a run uses, as the book says it. */
export const connections = (concurrency: number) =>
  concurrency === 1 ? "1 connection will be used." : `${concurrency} concurrent connections will be used.`

const count = (n: number) => String(n).padStart(3)

/** What a run found in its session, before it requests anything: nothing for a new, clean one. */
export const sessionLines = (
  opened: Opened,
  asked: { readonly retryFailed: boolean }
): ReadonlyArray<string> => {
  const lines: Array<string> = []
  if (opened.resumed) {
    const { OK, UNCHANGED, ERROR, NOT_FOUND, SKIPPED, PARTIAL } = opened.journaled
    const parts = [`${OK + UNCHANGED} done`, `${ERROR} failed`, `${NOT_FOUND} not found`]
    if (SKIPPED > 0) parts.push(`${SKIPPED} skipped`)
    if (PARTIAL > 0) parts.push(`${PARTIAL} partly downloaded (${formatBytes(opened.kept)} kept)`)
    lines.push(`Resuming session ${opened.source}: ${parts.join(", ")}.`)
  }
  if (asked.retryFailed) {
    lines.push(
      `--retry-failed: ${opened.items} to run again, ${opened.leftOut} left as ${opened.leftOut === 1 ? "it is" : "they are"}.`
    )
  }
  const removed = opened.leftovers.length
  if (removed > 0) {
    lines.push(`Removed ${removed} temporary ${plural(removed, "file")} of a stopped run from dest.`)
  }
  return lines
}

/** The lines printed after downloading: counts right-aligned, zero lines omitted (but the first). */
export const finalReport = (summary: Summary, style: ReportStyle = flagStyle) => {
  const downloaded = summary.ok - summary.resumed
  const lines = ["-".repeat(20), `${count(downloaded)} ${plural(downloaded, style.noun)} downloaded.`]
  if (summary.resumed > 0) lines.push(`${count(summary.resumed)} already done (resumed).`)
  if (summary.unchanged > 0) lines.push(`${count(summary.unchanged)} unchanged (304).`)
  if (summary.notFound > 0) lines.push(`${count(summary.notFound)} not found.`)
  if (summary.skipped > 0) lines.push(`${count(summary.skipped)} skipped (already in dest).`)
  if (summary.error > 0) lines.push(`${count(summary.error)} ${plural(summary.error, "error")}.`)
  lines.push(`Elapsed time: ${(Duration.toMillis(summary.elapsed) / 1000).toFixed(2)}s`)
  return lines
}

/** Why a download failed, in the CLI's words (`--max-time` is the option that set a deadline). */
export const errorLine = (error: DownloadError): string =>
  error._tag === "RequestTimeout" && error.phase === "total"
    ? `took longer than --max-time ${Duration.toMillis(error.timeout) / 1000}s`
    : error.message

/**
 * The `-v` line of one outcome: `BR OK`, `ZZ not found: URL`, `XX error: HTTP error 418 - I'm a Teapot`;
 * an outcome resumed from a session says so (`BR OK (already done)`).
 */
export const outcomeLine = (outcome: Outcome, style: ReportStyle = flagStyle): string => {
  const line = outcomeWords(outcome, style)
  if (outcome.resumed !== true) return line
  return outcome.status === "NOT_FOUND" ? `${line} (before: not asked again)` : `${line} (already done)`
}

const outcomeWords = (outcome: Outcome, style: ReportStyle): string => {
  const error = outcome.error
  if (outcome.status === "SKIPPED") return `${outcome.id} skipped: ${outcome.file ?? ""} is in dest already`
  if (outcome.status === "UNCHANGED") return `${outcome.id} unchanged`
  if (outcome.status === "OK" || error === undefined) return `${outcome.id} ${outcome.status}`
  if (error._tag === "FlagNotFound")
    return style.notFoundWithUrl ? `${outcome.id} ${error.message}` : `${outcome.id} not found`
  return `${outcome.id} error: ${errorLine(error)}`
}

/** The `--json` report. */
export const jsonReport = (
  summary: Summary,
  extra: Record<string, unknown>,
  style: ReportStyle = flagStyle
) =>
  JSON.stringify({
    ...extra,
    ok: summary.ok,
    notFound: summary.notFound,
    error: summary.error,
    skipped: summary.skipped,
    unchanged: summary.unchanged,
    resumed: summary.resumed,
    elapsedSeconds: Duration.toMillis(summary.elapsed) / 1000,
    outcomes: summary.outcomes.map((o) => ({
      [style.idKey]: o.id,
      status: o.status,
      ...(o.file === undefined ? {} : { file: o.file }),
      ...(o.size === undefined ? {} : { size: o.size }),
      ...(o.sha256 === undefined ? {} : { sha256: o.sha256 }),
      ...(o.resumed === true ? { resumed: true } : {}),
      ...(o.error === undefined ? {} : { error: o.error._tag, message: errorLine(o.error) })
    }))
  })
