/**
 * When the CLI's client may open a new connection to a host. A burst of connects to a server with a
 * small listen backlog (Python's `http.server` listens with 5) is answered with SYN-ACKs for all of
 * them while only a few fit the accept queue: the rest are established on the client's side only, and
 * wait a minute or more for the server to retransmit (measured here: 100 at once against `http.server`,
 * some answered after 107 s). So new connections to one host start apart: 1 ms (no slower against a
 * keep-alive server, measured); 4 ms to a host that closes every connection (each request is then a
 * new connect: such a server accepts one at a time); twice as long after each connect that took a SYN
 * retransmit (≥ 0.9 s: the host's queue overflowed), back down as connects come fast again. A request
 * that finds a free keep-alive socket never waits.
 */

/** The least time between two new connections to one host, and what it grows to. */
export const gaps = { first: 1, closingHost: 4, most: 64 } as const

/** A connect this slow was a SYN the host's full queue dropped, and the kernel's retransmit. */
const overflowMs = 900

interface HostPace {
  next: number
  gap: number
  floor: number
}

/** What a request taught about its host. */
export interface Lesson {
  /** How long its connect took, when it made one. */
  readonly connectMs?: number | undefined
  /** Its answer closes the connection (HTTP/1.0, `Connection: close`). */
  readonly closes?: boolean | undefined
}

/** The pacing of one client's new connections, by host (the agent's name for it). */
export const make = () => {
  const hosts = new Map<string, HostPace>()
  const paceOf = (host: string, now: number) => {
    let pace = hosts.get(host)
    if (pace === undefined) {
      pace = { next: now, gap: gaps.first, floor: gaps.first }
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
    /** A request's lesson about `host`. */
    learn: (host: string, lesson: Lesson, now: number): void => {
      const pace = paceOf(host, now)
      if (lesson.closes === true && pace.floor < gaps.closingHost) {
        pace.floor = gaps.closingHost
        pace.gap = Math.max(pace.gap, pace.floor)
      }
      const connect = lesson.connectMs
      if (connect === undefined) return
      pace.gap =
        connect >= overflowMs ? Math.min(pace.gap * 2, gaps.most) : Math.max(pace.floor, pace.gap * 0.9)
    }
  }
}

/** A client's pacing. */
export type Pacing = ReturnType<typeof make>
