/**
 * The flag server's fault menu (the book's `slow_server.py`, plus what client testing needs): a delay
 * before each answer and, at given rates, error statuses, throttling, and broken transfers. Every
 * draw comes from Effect's `Random`, so a seeded `Random` repeats the same sequence.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Random from "effect/Random"

/** A fixed delay (`min` = `max`) or a uniform range. */
export interface DelayRange {
  readonly min: Duration.Duration
  readonly max: Duration.Duration
}

/** Which faults the server injects, and how often (rates are fractions 0…1 of requests). */
export interface FaultOptions {
  /** Waited before each answer (`slow_server.py`'s delay). */
  readonly delay?: DelayRange | Duration.DurationInput | undefined
  /** Answered with `errorStatus` (default 418 I'm a Teapot). */
  readonly errorRate?: number | undefined
  readonly errorStatus?: number | undefined
  /** Answered 429 Too Many Requests with `Retry-After`. */
  readonly throttleRate?: number | undefined
  /** Answered 503 Service Unavailable with `Retry-After`. */
  readonly unavailableRate?: number | undefined
  /** Seconds announced in `Retry-After` (default 1). */
  readonly retryAfter?: number | undefined
  /**
   * For this long from the first request, every request is answered 429 Too Many Requests with
   * `Retry-After` (a server throttling a burst); the server counts the requests that came meanwhile.
   */
  readonly throttleWindow?: Duration.DurationInput | undefined
  /** The connection is reset after half the body. */
  readonly resetRate?: number | undefined
  /** Half the body is sent, then the connection closes (fewer bytes than `Content-Length`). */
  readonly truncateRate?: number | undefined
  /** Headers are sent, then nothing. */
  readonly stallRate?: number | undefined
  /** The body trickles at `bandwidth` bytes per second (default 2048). */
  readonly slowRate?: number | undefined
  readonly bandwidth?: number | undefined
}

/** What happens to one request. */
export type Fault =
  | { readonly _tag: "None" }
  | { readonly _tag: "Status"; readonly status: number; readonly retryAfter: Option.Option<number> }
  | { readonly _tag: "Reset" }
  | { readonly _tag: "Truncate" }
  | { readonly _tag: "Stall" }
  | { readonly _tag: "Slow"; readonly bytesPerSecond: number }

/** The fate of one request: how long to wait, then which fault (if any). */
export interface Decision {
  readonly delay: Duration.Duration
  readonly fault: Fault
}

const none: Fault = { _tag: "None" }

/** Normalises the `delay` option. */
const delayRange = (delay: FaultOptions["delay"]): DelayRange | undefined => {
  if (delay === undefined) return undefined
  if (typeof delay === "object" && delay !== null && "min" in delay && "max" in delay) return delay
  const fixed = Duration.decode(delay as Duration.DurationInput)
  return { min: fixed, max: fixed }
}

const secondsPattern = /^(\d+(?:\.\d+)?|\.\d+)(ms|s)?$/
/** Parses `0.5s`, `500ms` or `2` (seconds). */
export const parseSeconds = (text: string): Option.Option<Duration.Duration> => {
  const match = secondsPattern.exec(text.trim())
  if (!match?.[1]) return Option.none()
  const value = Number(match[1])
  return Option.some(match[2] === "ms" ? Duration.millis(value) : Duration.millis(value * 1000))
}

/** Parses `0.5s`, `500ms`, `2` (seconds) or a uniform range `0.5s..5s`. */
export const parseDelay = (text: string): Option.Option<DelayRange> => {
  const [low, high, ...rest] = text.split("..")
  if (low === undefined || rest.length > 0) return Option.none()
  return Option.all([parseSeconds(low), high === undefined ? parseSeconds(low) : parseSeconds(high)]).pipe(
    Option.filter(([min, max]) => Duration.lessThanOrEqualTo(min, max)),
    Option.map(([min, max]) => ({ min, max }))
  )
}

/** Decides one request's fate, drawing from the `Random` in context. */
export const decide = (options: FaultOptions): Effect.Effect<Decision> =>
  Effect.gen(function* () {
    const range = delayRange(options.delay)
    let delay = Duration.zero
    if (range !== undefined) {
      const min = Duration.toMillis(range.min)
      const max = Duration.toMillis(range.max)
      delay = Duration.millis(min === max ? min : min + (yield* Random.next) * (max - min))
    }
    const retryAfter = Option.some(options.retryAfter ?? 1)
    const table: ReadonlyArray<readonly [number | undefined, Fault]> = [
      [options.errorRate, { _tag: "Status", status: options.errorStatus ?? 418, retryAfter: Option.none() }],
      [options.throttleRate, { _tag: "Status", status: 429, retryAfter }],
      [options.unavailableRate, { _tag: "Status", status: 503, retryAfter }],
      [options.resetRate, { _tag: "Reset" }],
      [options.truncateRate, { _tag: "Truncate" }],
      [options.stallRate, { _tag: "Stall" }],
      [options.slowRate, { _tag: "Slow", bytesPerSecond: options.bandwidth ?? 2048 }]
    ]
    const active = table.filter(([rate]) => rate !== undefined && rate > 0)
    if (active.length === 0) return { delay, fault: none }
    // one draw per request whatever the menu, so adding a fault kind doesn't reshuffle the others
    let draw = yield* Random.next
    for (const [rate, fault] of active) {
      if (draw < (rate ?? 0)) return { delay, fault }
      draw -= rate ?? 0
    }
    return { delay, fault: none }
  })

/** True when the options inject nothing, so the server can skip the decision entirely. */
export const isQuiet = (options: FaultOptions): boolean =>
  delayRange(options.delay) === undefined &&
  options.throttleWindow === undefined &&
  [
    options.errorRate,
    options.throttleRate,
    options.unavailableRate,
    options.resetRate,
    options.truncateRate,
    options.stallRate,
    options.slowRate
  ].every((rate) => rate === undefined || rate <= 0)
