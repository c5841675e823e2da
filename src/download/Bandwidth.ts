/**
 * One bandwidth budget shared by every transfer that takes from it (curl's and wget's `--limit-rate`):
 * each chunk of a body reserves its bytes' time on one line of Clock time, and is let through once that
 * time has passed. However many transfers run at once, N bytes at R bytes per second take N / R seconds
 * of Effect's `Clock` (so `TestClock` proves the timing), and a transfer that waits reads nothing
 * meanwhile: the kernel's buffers fill and TCP slows the sender, as curl's limit does.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"

/** A budget of bytes per second that transfers share. */
export interface Bandwidth {
  /** Bytes per second; `Infinity` for no limit. */
  readonly bytesPerSecond: number
  /** Waits until `bytes` fit the budget (their time reserved in turn), then lets them through. */
  readonly take: (bytes: number) => Effect.Effect<void>
}

/** No limit: `take` never waits. */
export const unlimited: Bandwidth = { bytesPerSecond: Number.POSITIVE_INFINITY, take: () => Effect.void }

/** A budget of `bytesPerSecond` (above 0), shared by every transfer given it. */
export const make = (bytesPerSecond: number): Effect.Effect<Bandwidth> =>
  bytesPerSecond > 0
    ? Effect.sync(() => unsafeMake(bytesPerSecond))
    : Effect.dieMessage(`a bandwidth must be above 0, got ${bytesPerSecond}`)

/** `make`, outside an effect (a command line's options build the run's one budget). */
export const unsafeMake = (bytesPerSecond: number): Bandwidth => {
  if (bytesPerSecond === Number.POSITIVE_INFINITY) return unlimited
  // the Clock time (ms, fractional) up to which the budget is reserved
  const reservedUntil = Ref.unsafeMake(Number.NEGATIVE_INFINITY)
  return {
    bytesPerSecond,
    take: (bytes) =>
      bytes <= 0
        ? Effect.void
        : Effect.flatMap(Clock.currentTimeMillis, (now) =>
            Effect.flatMap(
              // an idle budget does not save up: a transfer starting after a pause gets no burst
              Ref.modify(reservedUntil, (until) => {
                const end = Math.max(until, now) + (bytes * 1000) / bytesPerSecond
                return [end, end] as const
              }),
              (end) => (end > now ? Effect.sleep(end - now) : Effect.void)
            )
          )
  }
}

/** A body's chunks, each let through once the budget has room for it. */
export const throttle =
  (bandwidth: Bandwidth) =>
  <E, R>(body: Stream.Stream<Uint8Array, E, R>): Stream.Stream<Uint8Array, E, R> =>
    bandwidth.bytesPerSecond === Number.POSITIVE_INFINITY
      ? body
      : Stream.tap(body, (chunk) => bandwidth.take(chunk.length))

const units: Readonly<Record<string, number>> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }

/**
 * Parses a size as curl and wget write it: bytes, or with a suffix `K`, `M`, `G`, `T` (powers of 1024,
 * as curl's `--limit-rate` and `--max-filesize` count; `KB`, `KiB` too): `500K`, `2M`, `1.5G`. A whole
 * number of bytes above 0 and below 2^53 (a double counts bytes exactly up to there).
 */
export const parseSize = (text: string): Option.Option<number> => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text)
  const unit = units[(match?.[2] ?? "").toLowerCase()]
  if (match === null || unit === undefined) return Option.none()
  const bytes = Math.floor(Number(match[1]) * unit)
  return bytes > 0 && bytes <= Number.MAX_SAFE_INTEGER ? Option.some(bytes) : Option.none()
}
