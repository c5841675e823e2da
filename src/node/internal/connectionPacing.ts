/**
 * When the CLI's client may open a new connection to a host. A burst of connects to a server with a
 * small listen backlog (Python's `http.server` listens with 5) overflows its accept queue: the kernel
 * drops the SYNs (and ACKs) that find it full, and the client sends them again 1 s, then 3 s, then 7 s
 * later, so an answer that takes the server a millisecond arrives seconds late or is a timeout
 * (measured here: 100 at once against `http.server`, 75 of them answered after 1 s or more, some after
 * 107 s). Three rules keep a host's accept queue from overflowing:
 *
 * - **A gap.** New connections to one host start apart: 1 ms (no slower against a keep-alive server,
 *   measured); 2 ms to a host that closes every connection (each request is then a new connect; against
 *   `http.server` 4 ms made the gap the bottleneck, and 1 ms or none overflowed its queue sometimes).
 * - **Few handshakes at once.** While a host is not known to keep connections alive, a limited number
 *   of its connects may be unfinished: 6 at first, one more for each that completes (TCP's slow start).
 *   A SYN the host's kernel took is answered within a round trip; one it dropped leaves the connect
 *   unfinished until it is sent again, so a full queue stops new connects and the limit's growth,
 *   instead of filling up with more that will wait. A keep-alive host's first answer lifts this (its
 *   later requests mostly reuse sockets). A fixed 6 overflowed `http.server`'s queue least, but a
 *   busy process sees each completed connect a turn of its event loop late, so 194 requests to a
 *   keep-alive server answering in 0.5 s took 0.3 s longer (`npm run bench`, scenarios 2 and 10).
 * - **A window.** A host known to close every connection has at most `window` new connections
 *   unanswered at once: 6 (a backlog of 5 holds 6, and a connection leaves the queue before it is
 *   answered), plus what its quickest answer says the gap lets through meanwhile (a far host's round
 *   trip: `best / gap`), so the queue cannot overflow whatever the server's speed, and a far host gets
 *   the rate the gap allows.
 *
 * A host not known yet has no window (a keep-alive host's first burst, each request seconds long, would
 * otherwise wait for the first answer), but its connections are counted, so that those still unanswered
 * when it turns out to close them hold their slots. The gap once doubled after each connect that took a
 * SYN retransmit: against `http.server` beside two CPU hogs that made runs twice as long and saved no
 * error (`npm run bench`, scenario 10). A request that finds a free keep-alive socket never waits; one
 * that waits runs no phase meanwhile.
 */

import * as Effect from "effect/Effect"

/** The least time between two new connections to one host. */
export const gaps = { first: 1, closingHost: 2 } as const

/** How many new connections may be unanswered at once, to a host known to close every connection. */
export const windows = {
  /** what a backlog of 5 holds */
  least: 6,
  /** connects unfinished at once to a host not known to keep connections alive */
  handshakes: 6
} as const

interface HostPace {
  next: number
  gap: number
  /** new connections unanswered that took no slot (opened before the host was known to close them) */
  unslotted: number
  /** at most `windowFor(best)` new connections unanswered; set once the host is known to close them */
  slots: Effect.Semaphore | undefined
  /** the quickest answer on a new connection, in ms */
  best: number
  /** unfinished connects; undefined once an answer kept its connection alive (and none closed it first) */
  handshakes: Effect.Semaphore | undefined
  /** how many of `handshakes` are taken */
  handshaking: number
  /** how many `handshakes` holds */
  handshakeLimit: number
}

/** What a request taught about its host. */
export interface Lesson {
  /** Its answer closes the connection (HTTP/1.0, `Connection: close`) or keeps it alive. */
  readonly closes?: boolean | undefined
}

/** The window of a host whose quickest answer took `best` ms. */
const windowFor = (best: number) =>
  windows.least + (Number.isFinite(best) ? Math.ceil(best / gaps.closingHost) : 0)

/** The slots a window leaves beside the connections that took none. */
const permits = (pace: HostPace) => windowFor(pace.best) - pace.unslotted

/** The pacing of one client's new connections, by host (the agent's name for it). */
export const make = () => {
  const hosts = new Map<string, HostPace>()
  const paceOf = (host: string, now: number) => {
    let pace = hosts.get(host)
    if (pace === undefined) {
      pace = {
        next: now,
        gap: gaps.first,
        unslotted: 0,
        slots: undefined,
        best: Number.POSITIVE_INFINITY,
        handshakes: Effect.unsafeMakeSemaphore(windows.handshakes),
        handshaking: 0,
        handshakeLimit: windows.handshakes
      }
      hosts.set(host, pace)
      // bounded: a long list of hosts forgets the oldest
      if (hosts.size > 1024) hosts.delete(hosts.keys().next().value as string)
    }
    return pace
  }
  return {
    /** How long a new connection to `host` must wait, from `now` (reserving its turn). */
    wait: (host: string, now: number): number => {
      const pace = paceOf(host, now)
      const at = Math.max(now, pace.next)
      pace.next = at + pace.gap
      return at - now
    },
    /**
     * The window a new connection to `host` takes a slot of until its request ends; none while the host
     * is not known to close its connections (`unslotted` is then told when the request starts).
     */
    slots: (host: string, now: number): Effect.Semaphore | undefined => paceOf(host, now).slots,
    /**
     * A handshake with `host`: `send`, given what to call once its connection is established, runs
     * holding one of the host's handshakes until then or until it ends. `full` is called first if it
     * must wait for one. Once the host keeps connections alive, `send` runs at once.
     */
    handshake: <A, E>(
      host: string,
      now: number,
      full: () => void,
      send: (connected: (() => void) | undefined) => Effect.Effect<A, E>
    ): Effect.Effect<A, E> => {
      const pace = paceOf(host, now)
      const handshakes = pace.handshakes
      if (handshakes === undefined) return send(undefined)
      if (pace.handshaking >= pace.handshakeLimit) full()
      return Effect.uninterruptibleMask((restore) =>
        Effect.flatMap(restore(handshakes.take(1)), () => {
          pace.handshaking++
          let held = true
          const giveBack = (established: boolean) => {
            if (!held) return
            held = false
            pace.handshaking--
            // from a socket's event as well as from the fiber: the semaphore wakes its waiters either way
            Effect.runSync(handshakes.release(1))
            // one more for each connection established, as TCP's slow start: the limit doubles each
            // round of handshakes while the host takes them, and stops growing once SYNs are dropped
            if (established) {
              pace.handshakeLimit++
              Effect.runSync(handshakes.resize(pace.handshakeLimit))
            }
          }
          return Effect.ensuring(
            restore(send(() => giveBack(true))),
            Effect.sync(() => giveBack(false))
          )
        })
      )
    },
    /** The window of `host`, if it has one. */
    window: (host: string, now: number): number | undefined => {
      const pace = paceOf(host, now)
      return pace.slots === undefined ? undefined : windowFor(pace.best)
    },
    /** A new connection to `host` starts without a slot. */
    unslotted: (host: string, now: number): void => {
      paceOf(host, now).unslotted++
    },
    /** A request's lesson about `host`. */
    learn: (host: string, lesson: Lesson, now: number): void => {
      const pace = paceOf(host, now)
      // known to close connections: it has slots; known to keep them alive: it has no handshakes left
      if (lesson.closes === true && pace.slots === undefined) {
        pace.gap = gaps.closingHost
        pace.slots = Effect.unsafeMakeSemaphore(permits(pace))
      } else if (lesson.closes === false && pace.slots === undefined) {
        // the connects under way still give back their handshakes; no later one takes any
        pace.handshakes = undefined
      }
    },
    /**
     * A new connection's request to `host` ended `took` ms after it started: answered (`answered`),
     * failed or timed out; `took` is undefined when it was interrupted. Returns what wakes the requests
     * that the window lets in.
     */
    ended: (
      host: string,
      took: number | undefined,
      now: number,
      { answered, slotted }: { readonly answered: boolean; readonly slotted: boolean }
    ): Effect.Effect<void> => {
      const pace = paceOf(host, now)
      const before = permits(pace)
      if (!slotted) pace.unslotted--
      if (answered && took !== undefined) pace.best = Math.min(pace.best, took)
      if (pace.slots === undefined) return Effect.void
      // a quicker answer widens the window; a connection that held no slot, ending, leaves one more for the window
      return permits(pace) === before ? Effect.void : pace.slots.resize(permits(pace))
    }
  }
}

/** A client's pacing. */
export type Pacing = ReturnType<typeof make>
