/**
 * The NDJSON events of the renderer's `json` mode, one JSON object per line: a stable schema
 * (version `v: 1`; fields are only ever added). Times are Clock milliseconds (`at`), durations
 * milliseconds (`elapsedMs`, `etaMs`, `waitedMs`), rates units per second.
 */
import * as Schema from "effect/Schema"

const common = { v: Schema.Literal(1), at: Schema.Number }
const task = { task: Schema.Number, label: Schema.String }

/** A task was added: `total` is `null` for a spinner; `unit` is `count` or `bytes`. */
export const Started = Schema.Struct({
  ...common,
  type: Schema.Literal("started"),
  ...task,
  total: Schema.NullOr(Schema.Number),
  unit: Schema.Literal("count", "bytes")
})

/** A task moved (at most once per interval): its count, smoothed rate, ETA and items in flight. */
export const Progressed = Schema.Struct({
  ...common,
  type: Schema.Literal("progressed"),
  ...task,
  done: Schema.Number,
  total: Schema.NullOr(Schema.Number),
  elapsedMs: Schema.Number,
  rate: Schema.NullOr(Schema.Number),
  etaMs: Schema.NullOr(Schema.Number),
  inFlight: Schema.Number,
  /** The longest-waiting items in flight (at most 10), longest first. */
  waiting: Schema.Array(Schema.Struct({ key: Schema.String, waitedMs: Schema.Number }))
})

/** A task ended: `outcome` from its `Exit`, `error` the failure's message. */
export const Ended = Schema.Struct({
  ...common,
  type: Schema.Literal("ended"),
  ...task,
  outcome: Schema.Literal("success", "failure", "interrupted"),
  error: Schema.optional(Schema.String),
  done: Schema.Number,
  total: Schema.NullOr(Schema.Number),
  elapsedMs: Schema.Number
})

/** A line logged through the renderer (`Renderer.log`, or `Effect.log` / `Console` routed to it). */
export const Log = Schema.Struct({ ...common, type: Schema.Literal("log"), message: Schema.String })

/** Any event of the stream. */
export const ProgressEvent = Schema.Union(Started, Progressed, Ended, Log)

/** Any event of the stream. */
export type ProgressEvent = typeof ProgressEvent.Type

/** Decodes one NDJSON line into an event, or fails with a `ParseError`. */
export const decodeLine = Schema.decodeUnknownEither(Schema.parseJson(ProgressEvent))
