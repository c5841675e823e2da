/** The book's reports (`flags2_common.py`): what a run will do, and what it did. */
import * as Duration from "effect/Duration"
import type { DownloadError } from "../DownloadErrors.js"
import type { Outcome, Summary } from "../Outcome.js"

/** The lines printed before downloading. */
export const initialReport = (
  codes: ReadonlyArray<string>,
  concurrency: number,
  label: string,
  url: string
) => {
  const which = codes.length <= 10 ? codes.join(", ") : `from ${codes[0]} to ${codes[codes.length - 1]}`
  return [
    `${label} site: ${url}`,
    `Searching for ${codes.length} flag${codes.length === 1 ? "" : "s"}: ${which}`,
    concurrency === 1 ? "1 connection will be used." : `${concurrency} concurrent connections will be used.`
  ]
}

const count = (n: number) => String(n).padStart(3)

/** The lines printed after downloading: counts right-aligned, zero lines omitted (but the first). */
export const finalReport = (summary: Summary) => {
  const lines = ["-".repeat(20), `${count(summary.ok)} flag${summary.ok === 1 ? "" : "s"} downloaded.`]
  if (summary.notFound > 0) lines.push(`${count(summary.notFound)} not found.`)
  if (summary.error > 0) lines.push(`${count(summary.error)} error${summary.error === 1 ? "" : "s"}.`)
  lines.push(`Elapsed time: ${(Duration.toMillis(summary.elapsed) / 1000).toFixed(2)}s`)
  return lines
}

/** Why a download failed, in the CLI's words (`--max-time` is the option that set a deadline). */
export const errorLine = (error: DownloadError): string =>
  error._tag === "RequestTimeout" && error.phase === "total"
    ? `took longer than --max-time ${Duration.toMillis(error.timeout) / 1000}s`
    : error.message

/** The `-v` line of one outcome: `BR OK`, `ZZ not found: URL`, `XX error: HTTP error 418 - I'm a Teapot`. */
export const outcomeLine = (outcome: Outcome): string => {
  const error = outcome.error
  if (outcome.status === "OK" || error === undefined)
    return `${outcome.id} ${outcome.status === "OK" ? "OK" : outcome.status}`
  return error._tag === "FlagNotFound"
    ? `${outcome.id} ${error.message}`
    : `${outcome.id} error: ${errorLine(error)}`
}

/** The `--json` report. */
export const jsonReport = (summary: Summary, extra: Record<string, unknown>) =>
  JSON.stringify({
    ...extra,
    ok: summary.ok,
    notFound: summary.notFound,
    error: summary.error,
    elapsedSeconds: Duration.toMillis(summary.elapsed) / 1000,
    outcomes: summary.outcomes.map((o) => ({
      cc: o.id,
      status: o.status,
      ...(o.file === undefined ? {} : { file: o.file }),
      ...(o.error === undefined ? {} : { error: o.error._tag, message: errorLine(o.error) })
    }))
  })
