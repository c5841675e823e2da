/** The book's reports (`flags2_common.py`): what a run will do, and what it did. */
import * as Duration from "effect/Duration"
import type { Outcome, Summary } from "./Downloader.js"

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

/** The `-v` line of one outcome: `BR OK`, `ZZ not found: URL`, `XX error: HTTP error 418 - I'm a Teapot`. */
export const outcomeLine = (outcome: Outcome) =>
  outcome.status === "OK" ? `${outcome.cc} OK` : (outcome.error?.message ?? `${outcome.cc} ${outcome.status}`)

/** The `--json` report. */
export const jsonReport = (summary: Summary, extra: Record<string, unknown>) =>
  JSON.stringify({
    ...extra,
    ok: summary.ok,
    notFound: summary.notFound,
    error: summary.error,
    elapsedSeconds: Duration.toMillis(summary.elapsed) / 1000,
    outcomes: summary.outcomes.map((o) => ({
      cc: o.cc,
      status: o.status,
      ...(o.file === undefined ? {} : { file: o.file }),
      ...(o.error === undefined ? {} : { error: o.error.cause._tag, message: o.error.cause.message })
    }))
  })
