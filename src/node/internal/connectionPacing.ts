/**
 * When the CLI's client may open a new connection to a host. A burst of connects to a server with a
 * small listen backlog (Python's `http.server` listens with 5) is answered with SYN-ACKs for all of
 * them while only a few fit the accept queue: the rest are established on the client's side only, and
 * wait a minute or more for the server to retransmit (measured here: 100 at once against `http.server`,
 * some answered after 107 s). So new connections to one host start apart: 1 ms (no slower against a
 * keep-alive server, measured); 4 ms to a host that closes every connection (each request is then a
 * new connect: such a server accepts one at a time). The gap once doubled after each connect that took
 * a SYN retransmit: against `http.server` beside two CPU hogs that made runs twice as long and saved no
 * error (`npm run bench`, scenario 10), and a starved client's own slowness passed for the host's. A
 * request that finds a free keep-alive socket never waits; one that waits runs no phase meanwhile.
 */

/** The least time between two new connections to one host. */
export const gaps = { first: 1, closingHost: 4 } as const

interface HostPace {
  next: number
  gap: number
}

/** What a request taught about its host. */
export interface Lesson {
  /** Its answer closes the connection (HTTP/1.0, `Connection: close`). */
  readonly closes?: boolean | undefined
}

/** The pacing of one client's new connections, by host (the agent's name for it). */
export const make = () => {
  const hosts = new Map<string, HostPace>()
  const paceOf = (host: string, now: number) => {
    let pace = hosts.get(host)
    if (pace === undefined) {
      pace = { next: now, gap: gaps.first }
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
      if (lesson.closes === true) paceOf(host, now).gap = gaps.closingHost
    }
  }
}

/** A client's pacing. */
export type Pacing = ReturnType<typeof make>
