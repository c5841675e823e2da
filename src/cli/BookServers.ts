/** The book's servers, written once: labels for `flags download -s`, ports and faults for `flags serve --preset`. */
import * as Duration from "effect/Duration"
import type { FaultOptions } from "../server/ServerFaults.js"

/** One of the book's local test servers (Fluent Python's README: `http.server` and `slow_server.py`). */
export interface BookServer {
  /** `flags download -s` label. */
  readonly label: "LOCAL" | "DELAY" | "ERROR"
  /** `flags serve --preset` name. */
  readonly preset: "local" | "delay" | "error"
  readonly port: number
  readonly faults: FaultOptions
  /** What `--preset` says in `flags serve --help`. */
  readonly description: string
}

const slow = { min: Duration.millis(500), max: Duration.seconds(5) }

/** `http.server` on 8000; `slow_server.py` on 8001, and with a 25 % error rate on 8002. */
export const bookServers: ReadonlyArray<BookServer> = [
  { label: "LOCAL", preset: "local", port: 8000, faults: {}, description: "port 8000, no faults" },
  {
    label: "DELAY",
    preset: "delay",
    port: 8001,
    faults: { delay: slow },
    description: "8001, 0.5–5 s delays"
  },
  {
    label: "ERROR",
    preset: "error",
    port: 8002,
    faults: { delay: slow, errorRate: 0.25 },
    description: "8002, 0.5–5 s delays and 25 % 418s"
  }
]

/** The book's remote site. */
export const remoteUrl = "https://www.fluentpython.com/data/flags"

/** The base URL of a `-s` label (any case), or undefined for EMBEDDED and URLs. */
export const urlOfLabel = (label: string): string | undefined => {
  const upper = label.toUpperCase()
  if (upper === "REMOTE") return remoteUrl
  const server = bookServers.find((s) => s.label === upper)
  return server === undefined ? undefined : `http://localhost:${server.port}/flags`
}

/** True for a label (any case) or an http(s) URL. */
export const isServer = (server: string): boolean =>
  server.toUpperCase() === "EMBEDDED" ||
  urlOfLabel(server) !== undefined ||
  /^https?:\/\/[^/\s]+/i.test(server)
