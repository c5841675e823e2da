/**
 * Politeness per host (scheme, host and port): how many requests may be in flight to it, how fast new
 * ones may start (Effect's `RateLimiter`), and one pause for a host that throttles (429 or 503): every
 * request to it waits for the pause, none burns a retry meanwhile, other hosts carry on, and when the
 * pause ends the waiting requests resume spread over a jitter window, not all at once.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as RateLimiter from "effect/RateLimiter"
import * as Scope from "effect/Scope"

/** At most `limit` request starts per `interval`. */
export interface Rate {
  readonly limit: number
  readonly interval: Duration.Duration
}

/** What a host is allowed. */
export interface HostPolicyOptions {
  /** Requests in flight to one host at most (inside the batch's own concurrency). */
  readonly maxPerHost?: number | undefined
  /** Request starts per host, spread evenly (`20/s`: one every 50 ms). */
  readonly rate?: Rate | undefined
  /** Pause a host that answers 429 or 503, for its `Retry-After` or a backoff (default true). */
  readonly pauseOnThrottle?: boolean | undefined
}

/** The longest pause a host gets without a `Retry-After` (the backoff doubles up to it from 1 s). */
const maxBackoff = Duration.seconds(60)

/** Parses `20/s`, `300/min`, `1000/h` (also `/second`, `/minute`, `/hour`); a limit above 0. */
export const parseRate = (text: string): Option.Option<Rate> => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(s|sec|second|m|min|minute|h|hour)\s*$/i.exec(text)
  const limit = Number(match?.[1])
  const unit = match?.[2]?.toLowerCase()
  if (unit === undefined || !(limit > 0) || !Number.isFinite(limit)) return Option.none()
  const interval = unit.startsWith("h") ? "1 hour" : unit.startsWith("m") ? "1 minute" : "1 second"
  return Option.some({ limit, interval: Duration.decode(interval) })
}

/** The key a policy counts by: the URL's origin, `http://host:port` with the default port made explicit. */
export const hostOf = (url: string): string => hostOfUrl(new URL(url))

/** `hostOf` of a URL parsed already. */
export const hostOfUrl = (parsed: URL): string => {
  const port = parsed.port === "" ? (parsed.protocol === "https:" ? "443" : "80") : parsed.port
  return `${parsed.protocol}//${parsed.hostname}:${port}`
}

interface HostState {
  limiter: RateLimiter.RateLimiter | undefined
  /** Clock time the current pause ends, and when it began (its length sets the jitter window). */
  pausedUntil: number
  pausedAt: number
  /** Throttles in a row without a `Retry-After`: the backoff's exponent. */
  throttles: number
}

/** A batch's politeness: asked before each request, told of each throttled answer. */
export interface HostPolicy {
  readonly options: HostPolicyOptions
  /** Waits until a request to `host` may start: the host's pause (with jitter) and its rate. */
  readonly gate: (host: string) => Effect.Effect<void>
  /** `host` answered 429 or 503: pause it for `retryAfter`, or a doubling backoff. */
  readonly throttled: (host: string, retryAfter: Duration.Duration | undefined) => Effect.Effect<void>
  /** `host` answered: its backoff starts again from 1 s. */
  readonly answered: (host: string) => void
}

/** A policy for the life of the scope (each host's rate limiter lives in it). */
export const make = (options: HostPolicyOptions): Effect.Effect<HostPolicy, never, Scope.Scope> =>
  Effect.gen(function* () {
    const scope = yield* Effect.scope
    const hosts = new Map<string, HostState>()
    const rate = options.rate
    const stateOf = (host: string): Effect.Effect<HostState> => {
      const known = hosts.get(host)
      if (known !== undefined) return Effect.succeed(known)
      const state: HostState = { limiter: undefined, pausedUntil: 0, pausedAt: 0, throttles: 0 }
      hosts.set(host, state)
      if (rate === undefined) return Effect.succeed(state)
      // one start at a time, evenly spaced: a burst of `limit` at once is what politeness avoids
      return Effect.map(
        Scope.extend(
          RateLimiter.make({
            limit: 1,
            interval: Duration.millis(Duration.toMillis(rate.interval) / rate.limit),
            algorithm: "token-bucket"
          }),
          scope
        ),
        (limiter) => {
          state.limiter = limiter
          return state
        }
      )
    }
    const waitOutPause = (state: HostState): Effect.Effect<void> =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        if (now >= state.pausedUntil) return Effect.void
        // resume somewhere in the next half of the pause's length, so the waiting requests spread out
        const window = (state.pausedUntil - state.pausedAt) / 2
        return Effect.flatMap(Random.next, (draw) =>
          Effect.zipRight(
            Effect.sleep(Duration.millis(state.pausedUntil - now + Math.floor(draw * window))),
            // the pause may have been extended meanwhile
            Effect.suspend(() => waitOutPause(state))
          )
        )
      })
    const gate = (host: string) =>
      Effect.flatMap(stateOf(host), (state) =>
        state.limiter === undefined
          ? waitOutPause(state)
          : Effect.zipRight(waitOutPause(state), state.limiter(waitOutPause(state)))
      )
    const throttled = (host: string, retryAfter: Duration.Duration | undefined) =>
      options.pauseOnThrottle === false
        ? Effect.void
        : Effect.flatMap(stateOf(host), (state) =>
            Effect.map(Clock.currentTimeMillis, (now) => {
              const pause =
                retryAfter ?? Duration.min(Duration.seconds(2 ** Math.min(state.throttles, 16)), maxBackoff)
              if (retryAfter === undefined) state.throttles++
              const until = now + Duration.toMillis(pause)
              if (until > state.pausedUntil) {
                if (now >= state.pausedUntil) state.pausedAt = now
                state.pausedUntil = until
              }
            })
          )
    const answered = (host: string) => {
      const state = hosts.get(host)
      if (state !== undefined) state.throttles = 0
    }
    return { options, gate, throttled, answered } satisfies HostPolicy
  })

/** Whether `options` ask for anything at all (no limits: requests go straight out, as the flags downloader's do). */
export const isActive = (options: HostPolicyOptions | undefined): options is HostPolicyOptions =>
  options !== undefined &&
  (options.maxPerHost !== undefined || options.rate !== undefined || options.pauseOnThrottle !== false)
