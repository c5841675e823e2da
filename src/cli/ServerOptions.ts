/** The flag server's fault options, shared by `flags serve` and `flags download` (for its embedded server). */
import * as Options from "@effect/cli/Options"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { type DelayRange, type FaultOptions, parseDelay, parseSeconds } from "../server/ServerFaults.js"
import { between, invalid } from "./Validation.js"

const rate = (name: string, what: string) =>
  Options.float(name).pipe(
    Options.withDescription(`Fraction of requests (0 to 1) ${what}.`),
    between(name, 0, 1),
    Options.optional,
    Options.map(Option.getOrUndefined)
  )

const delay = Options.text("delay").pipe(
  Options.withDescription("Wait before each answer: fixed (0.5s, 500ms) or uniform in a range (0.5s..5s)."),
  Options.mapEffect((text) =>
    Option.match(parseDelay(text), {
      onNone: () => Effect.fail(invalid(`--delay must look like 0.5s, 500ms or 0.5s..5s, got ${text}`)),
      onSome: (range) => Effect.succeed(range)
    })
  ),
  Options.optional,
  Options.map((range): DelayRange | undefined => Option.getOrUndefined(range))
)

const throttleWindow = Options.text("throttle-window").pipe(
  Options.withDescription(
    "For this long from the first request (2s, 500ms), answer every request 429 with --retry-after; /stats counts them."
  ),
  Options.mapEffect((text) =>
    Option.match(parseSeconds(text), {
      onNone: () => Effect.fail(invalid(`--throttle-window must look like 2s or 500ms, got ${text}`)),
      onSome: (duration) => Effect.succeed(duration)
    })
  ),
  Options.optional,
  Options.map((duration): Duration.Duration | undefined => Option.getOrUndefined(duration))
)

const positiveInteger = (name: string, description: string, max: number) =>
  Options.integer(name).pipe(
    Options.withDescription(description),
    between(name, 0, max),
    Options.optional,
    Options.map(Option.getOrUndefined)
  )

/** `--delay`, the fault rates, `--seed`: everything that shapes how the flag server misbehaves. */
export const faultOptions: Options.Options<FaultOptions & { readonly seed: number | undefined }> =
  Options.all({
    delay,
    errorRate: rate("error-rate", "answered with --error-status (418 I'm a Teapot)"),
    errorStatus: positiveInteger("error-status", "Status of --error-rate answers (default 418).", 599),
    throttleRate: rate("throttle-rate", "answered 429 Too Many Requests with Retry-After"),
    unavailableRate: rate("unavailable-rate", "answered 503 Service Unavailable with Retry-After"),
    retryAfter: positiveInteger("retry-after", "Seconds announced in Retry-After (default 1).", 3600),
    throttleWindow,
    resetRate: rate("reset-rate", "whose connection is reset mid-body"),
    truncateRate: rate("truncate-rate", "whose body is cut short of its Content-Length"),
    stallRate: rate("stall-rate", "that get headers and then nothing"),
    slowRate: rate("slow-rate", "whose body trickles at --bandwidth"),
    bandwidth: positiveInteger("bandwidth", "Bytes per second of --slow-rate answers (default 2048).", 1e9),
    seed: positiveInteger("seed", "Seed for the delays and faults, so a run's sequence repeats.", 2 ** 31 - 1)
  })
