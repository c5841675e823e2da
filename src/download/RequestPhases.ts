/**
 * The phases of one HTTP request, as httpx's `Timeout(3.1)` (the book's `timeout=3.1`) counts them:
 * each phase gets the whole timeout, and a request fails only when one phase exceeds it.
 *
 * Any `HttpClient` works with the downloader: time to the answer's headers is then one phase
 * (`response`), and each gap between body chunks another (`body`). A client that knows more tells the
 * tracker found in `currentPhaseTracker` when it connects and has sent the request, as the CLI's own
 * client and the in-memory client of `effect-flags/testing` do.
 */
import * as FiberRef from "effect/FiberRef"

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
   * the wait must then fail. Only clients marked `StopsOnTimeout` are asked, and they must keep it set
   * from the request's start to its body's end.
   */
  readonly onTimeout: (stop: () => void) => void
}

/**
 * Marks an `HttpClient` that stops its own waits when a phase runs out (through `onTimeout`): its
 * requests then run in the caller's fiber, where any other client's run in a fiber of their own that
 * the deadline can interrupt (a fork per request, ~10 % of a download's CPU here).
 */
export const StopsOnTimeout: unique symbol = Symbol.for("effect-flags/StopsOnTimeout")

/** The tracker of the request running in this fiber, if its caller watches phases. */
export const currentPhaseTracker: FiberRef.FiberRef<PhaseTracker | undefined> = FiberRef.unsafeMake<
  PhaseTracker | undefined
>(undefined)

/**
 * Marks an `HttpClientResponse` whose client reports body progress itself (`progress` on every
 * chunk): the downloader can then read its body whole instead of chunk by chunk.
 */
export const ReportsBodyProgress: unique symbol = Symbol.for("effect-flags/ReportsBodyProgress")
