/**
 * The downloader's metrics, through Effect's `Metric`: an app with a metrics or OpenTelemetry layer
 * exports them; without one they cost a counter update.
 */
import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"

/** Downloads ended, tagged `status` = OK | NOT_FOUND | ERROR | SKIPPED | UNCHANGED (items a resumed session skipped are not counted). */
export const downloads = Metric.counter("flags_downloads_total", {
  description: "Flag downloads ended, by status",
  incremental: true
})

/** `downloads` tagged once per status: tagging builds a new metric key, too dear for every download. */
export const downloadsByStatus = {
  OK: Metric.tagged(downloads, "status", "OK"),
  NOT_FOUND: Metric.tagged(downloads, "status", "NOT_FOUND"),
  ERROR: Metric.tagged(downloads, "status", "ERROR"),
  SKIPPED: Metric.tagged(downloads, "status", "SKIPPED"),
  UNCHANGED: Metric.tagged(downloads, "status", "UNCHANGED")
} as const

/** How long each download took (request, body, save), in milliseconds. */
export const downloadDuration = Metric.histogram(
  "flags_download_duration_ms",
  MetricBoundaries.exponential({ start: 1, factor: 2, count: 15 }),
  "Time per flag download in milliseconds"
)
