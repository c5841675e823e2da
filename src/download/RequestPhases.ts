/**
 * The phases of one HTTP request, as httpx's `Timeout(3.1)` (the book's `timeout=3.1`) counts them:
 * each phase gets the whole timeout, and a request fails only when one phase exceeds it.
 *
 * Any `HttpClient` works with the downloader: time to the answer's headers is then one phase
 * (`response`), and each gap between body chunks another (`body`). A client that knows more is provided
 * with `Reporting` beside it, and tells the request's `Tracker` (in its context) when it connects and
 * has sent the request, as the CLI's own client and the in-memory client of `effect-flags/testing` do.
 * Both are services in the context, not properties of the client, so a wrapper
 * (`HttpClient.mapRequest`, a tap) keeps them.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

/**
 * `connect`: waiting for a connection (SYN retransmits against a full listen backlog count here);
 * `write`: sending the request; `response`: waiting for the answer's first byte; `body`: the gap
 * since the last body bytes.
 */
export type Phase = "connect" | "write" | "response" | "body"

/** What a client reports about the request it is running; every call restarts the phase's timer. */
export interface PhaseTracker {
  /** The request entered `phase`. */
  readonly enter: (phase: Phase) => void
  /** Body bytes arrived: the `body` phase starts again. */
  readonly progress: () => void
  /**
   * The request waits for its turn in the client's own queue (the CLI's client paces new connections
   * to a host): as httpx's pool wait, and the book's semaphore, this is no phase of the request, and no
   * deadline runs until the next `enter`.
   */
  readonly queue: () => void
  /**
   * How to stop what the request waits on now (destroy its socket, say), called when a phase runs out;
   * the wait must then fail. Only clients whose `Reporting` says `stopsOnTimeout` are asked, and they
   * must keep it set from the request's start to its body's end.
   */
  readonly onTimeout: (stop: () => void) => void
}

/** The tracker of the request running here, provided by `HttpGet` around each request it watches. */
export class Tracker extends Context.Tag("effect-flags/RequestPhases/Tracker")<Tracker, PhaseTracker>() {}

/** The tracker of the request running here, if its caller watches phases (a client's way to find it). */
export const currentTracker: Effect.Effect<PhaseTracker | undefined> = Effect.map(
  Effect.serviceOption(Tracker),
  Option.getOrUndefined
)

/** What the context's `HttpClient` does with the request's `Tracker`. */
export interface Reports {
  /**
   * It stops its own waits when a phase runs out (through `onTimeout`): its requests then run in the
   * caller's fiber, where any other client's run in a fiber of their own that the deadline can
   * interrupt (a fork per request, ~10 % of a download's CPU here).
   */
  readonly stopsOnTimeout: boolean
  /** It reports body progress itself (`progress` on every chunk): a body can be read whole. */
  readonly bodyProgress: boolean
}

/** Provided beside an `HttpClient` that reports its requests' phases (`NodeHttpClient.layer` does). */
export class Reporting extends Context.Tag("effect-flags/RequestPhases/Reporting")<Reporting, Reports>() {}
