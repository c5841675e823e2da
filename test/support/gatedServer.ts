/**
 * A flag server in the test's own process whose answers the test decides: it logs every request as
 * its handler runs (in the same event loop as the test's signals, so "before" and "after" a signal are
 * exact), answers the first `answers` and holds the rest, and from `hold()` on starts no answer at all.
 * A held request is answered never: its connection ends when the client or `close` ends it.
 */
import { createServer, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { bundledCodes, bundledPng } from "./servers.js"

/** One request for a flag, as the server saw it. */
export interface GatedRequest {
  /** The code asked for, uppercase. */
  readonly cc: string
  /** Whether its answer has started (false: in its delay, or held). */
  readonly answered: boolean
}

export interface GatedServer {
  /** The flags' base URL, e.g. `http://127.0.0.1:41234/flags`. */
  readonly baseUrl: string
  /** Every flag request so far, in the order they arrived. */
  readonly requests: ReadonlyArray<GatedRequest>
  /** The requests whose answer has not started: in their delay, or held. */
  readonly waiting: () => number
  /** From now on no answer starts: the requests waiting and those to come are held. */
  readonly hold: () => void
  /** Resolves once `n` requests have arrived, in the tick the n-th arrives. */
  readonly arrived: (n: number) => Promise<void>
  /** Resolves once `n` answers have started (their bodies on their way), in the tick the n-th starts. */
  readonly answered: (n: number) => Promise<void>
  /** Stops listening and ends every connection, held ones too. */
  readonly close: () => Promise<void>
}

export interface GatedOptions {
  /** Answer only the first this many requests, hold the others (default: all, until `hold`). */
  readonly answers?: number
  /**
   * Each answer starts after a delay drawn from [min, max] ms (seeded): the server's own pace, so that
   * a moment chosen from progress finds requests at every stage. Time never decides an outcome here.
   */
  readonly delay?: { readonly minMs: number; readonly maxMs: number; readonly seed: number }
}

/** mulberry32: a small seeded generator of numbers in [0, 1). */
const seeded = (seed: number) => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const flagPath = /^\/flags\/([a-z]{2})\/([a-z]{2})\.png$/

/** Starts a gated server on a free loopback port. */
export const startGatedServer = (options: GatedOptions = {}): Promise<GatedServer> => {
  const published = new Set(bundledCodes())
  const requests: Array<{ cc: string; answered: boolean }> = []
  const timers = new Set<NodeJS.Timeout>()
  let answers = 0
  const waiters: Array<{ count: () => number; n: number; resolve: () => void }> = []
  const wake = () => {
    for (const waiter of waiters.filter((w) => w.count() >= w.n)) {
      waiters.splice(waiters.indexOf(waiter), 1)
      waiter.resolve()
    }
  }
  const reached = (count: () => number) => (n: number) =>
    new Promise<void>((resolve) => {
      if (count() >= n) resolve()
      else waiters.push({ count, n, resolve })
    })
  const draw = options.delay === undefined ? undefined : seeded(options.delay.seed)
  let holding = false

  const answer = (request: { cc: string; answered: boolean }, response: ServerResponse) => {
    if (holding) return
    request.answered = true
    answers++
    if (published.has(request.cc)) {
      const body = bundledPng(request.cc)
      response
        .writeHead(200, { "content-type": "image/png", "content-length": String(body.length) })
        .end(body)
    } else response.writeHead(404, { "content-length": "0" }).end()
    wake()
  }

  const server = createServer((incoming, response) => {
    const match = flagPath.exec(incoming.url ?? "")
    if (match?.[1] === undefined || match[1] !== match[2]) {
      response.writeHead(404, { "content-length": "0" }).end()
      return
    }
    const request = { cc: match[1].toUpperCase(), answered: false }
    requests.push(request)
    wake()
    if (options.answers !== undefined && requests.length > options.answers) return
    if (draw === undefined || options.delay === undefined) return answer(request, response)
    const { minMs, maxMs } = options.delay
    const timer = setTimeout(
      () => {
        timers.delete(timer)
        answer(request, response)
      },
      minMs + draw() * (maxMs - minMs)
    )
    timers.add(timer)
  })

  return new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo
      resolve({
        baseUrl: `http://127.0.0.1:${port}/flags`,
        requests,
        waiting: () => requests.filter((request) => !request.answered).length,
        hold: () => {
          holding = true
        },
        arrived: reached(() => requests.length),
        answered: reached(() => answers),
        close: () =>
          new Promise<void>((done) => {
            for (const timer of timers) clearTimeout(timer)
            server.close(() => done())
            server.closeAllConnections()
          })
      })
    })
  })
}
