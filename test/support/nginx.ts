/**
 * A private nginx for end-to-end tests: a real server that honours `Range` and `If-Range`, run as the
 * current user with every path of its own in a temporary folder (config, pid, logs, temp files),
 * serving one folder on 127.0.0.1, in the foreground and in one process (`daemon off; master_process
 * off;`) so that it ends with the test. Its access log says what each request asked (`Range`,
 * `If-Range`) and what it was sent.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { randomBytes } from "node:crypto"
import { existsSync, type FSWatcher, mkdirSync, readFileSync, rmSync, watch, writeFileSync } from "node:fs"
import { request } from "node:http"
import { createServer } from "node:net"
import { join } from "node:path"
import { tempDir } from "./cli.js"

/** nginx on PATH, or where Debian puts it (/usr/sbin is on root's PATH only). */
const nginxBin = ["nginx", "/usr/sbin/nginx"].find((bin) => spawnSync(bin, ["-v"]).status === 0)

/** Whether nginx is on this machine (`.ci/run` installs it; elsewhere its tests are skipped, saying so). */
export const haveNginx = nginxBin !== undefined

/** One line of the access log: one request, once nginx has finished answering it. */
export interface AccessEntry {
  readonly method: string
  /** The path asked, with its query. */
  readonly uri: string
  readonly status: number
  /** Body bytes sent: fewer than the answer's length when the client went away mid-body. */
  readonly bytesSent: number
  /** The request's `Range` and `If-Range` headers, `undefined` when absent. */
  readonly range: string | undefined
  readonly ifRange: string | undefined
  /** When nginx logged it, Unix milliseconds. */
  readonly at: number
}

/** A running nginx. */
export interface NginxServer {
  /** `http://127.0.0.1:PORT`: a file `root/a/b` is at `${baseUrl}/a/b`. */
  readonly baseUrl: string
  readonly port: number
  /** Every request logged so far. */
  readonly accessLog: () => ReadonlyArray<AccessEntry>
  /** Resolves with the log once it satisfies `holds` (checked now and at each change of the log file). */
  readonly logged: (
    holds: (log: ReadonlyArray<AccessEntry>) => boolean
  ) => Promise<ReadonlyArray<AccessEntry>>
  /** What nginx wrote to its error log (start-up notices, errors). */
  readonly errorLog: () => string
  /**
   * Ends nginx (SIGTERM: at once, closing open transfers), resolves once it has exited, and removes its
   * folder (read the logs before).
   */
  readonly stop: () => Promise<void>
}

/** Options of `startNginx`. */
export interface NginxOptions {
  /** nginx's `limit_rate` per connection (`1m` is 1 MiB/s), so a big transfer lasts long enough to interrupt. */
  readonly limitRate?: string
  /** More directives for the `server` block, e.g. `etag off;`. */
  readonly directives?: string
}

// JSON-escaped, one object a line; "-" fields stay empty strings, turned to undefined when read
const logFormat = `'{"method":"$request_method","uri":"$request_uri","status":$status,"bytesSent":$body_bytes_sent,"range":"$http_range","ifRange":"$http_if_range","at":$msec}'`

const config = (dir: string, root: string, port: number, token: string, options: NginxOptions) => `
pid ${join(dir, "nginx.pid")};
error_log ${join(dir, "error.log")} notice;
events { worker_connections 1024; }
http {
  client_body_temp_path ${join(dir, "tmp", "body")};
  proxy_temp_path ${join(dir, "tmp", "proxy")};
  fastcgi_temp_path ${join(dir, "tmp", "fastcgi")};
  uwsgi_temp_path ${join(dir, "tmp", "uwsgi")};
  scgi_temp_path ${join(dir, "tmp", "scgi")};
  default_type application/octet-stream;
  log_format ranges escape=json ${logFormat};
  access_log ${join(dir, "access.log")} ranges;
  sendfile on;
  tcp_nopush on;
  server {
    listen 127.0.0.1:${port};
    root ${root};
    ${options.limitRate === undefined ? "" : `limit_rate ${options.limitRate};`}
    ${options.directives ?? ""}
    # the start-up probe, kept out of the access log; its token tells this nginx from any other
    location = /.nginx-ready { access_log off; add_header X-Ready ${token} always; return 204; }
  }
}
`

const parseEntry = (line: string): AccessEntry => {
  const raw = JSON.parse(line) as Record<string, string | number>
  const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined)
  return {
    method: String(raw.method),
    uri: String(raw.uri),
    status: Number(raw.status),
    bytesSent: Number(raw.bytesSent),
    range: text(raw.range),
    ifRange: text(raw.ifRange),
    at: Math.round(Number(raw.at) * 1000)
  }
}

/** A port free now: nginx cannot listen on port 0, so the kernel's choice is taken and given back. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject()))
    })
  })

/** Whether this nginx answers its probe on `port` (not whoever took the port meanwhile, another nginx too). */
const answers = (port: number, token: string) =>
  new Promise<boolean>((resolve) => {
    const probe = request({ host: "127.0.0.1", port, path: "/.nginx-ready", agent: false }, (response) => {
      response.resume()
      resolve(response.statusCode === 204 && response.headers["x-ready"] === token)
    })
    probe.once("error", () => resolve(false))
    // whoever else holds the port may never answer: give up on this probe, not on nginx (the next one asks again)
    probe.setTimeout(1000, () => probe.destroy())
    probe.end()
  })

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve()
    else child.once("exit", () => resolve())
  })

/** Starts nginx on one port; rejects with what it said if it ends first (`inUse`: the port was taken). */
const startOn = (dir: string, root: string, port: number, options: NginxOptions) =>
  new Promise<{ child: ChildProcess }>((resolve, reject) => {
    const conf = join(dir, "nginx.conf")
    const token = randomBytes(8).toString("hex")
    writeFileSync(conf, config(dir, root, port, token, options))
    const child = spawn(
      nginxBin ?? "nginx",
      ["-p", dir, "-c", conf, "-e", join(dir, "error.log"), "-g", "daemon off; master_process off;"],
      { stdio: ["ignore", "ignore", "pipe"] }
    )
    let stderr = ""
    let running = true
    child.stderr?.on("data", (chunk) => (stderr += chunk))
    child.once("error", reject)
    child.once("exit", (code, signal) => {
      running = false
      const said = `${stderr}${existsSync(join(dir, "error.log")) ? readFileSync(join(dir, "error.log"), "utf8") : ""}`
      reject(
        Object.assign(new Error(`nginx exited (${code ?? signal}) before it answered: ${said}`), {
          inUse: said.includes("Address already in use")
        })
      )
    })
    // polls by connecting: nginx says nothing when it listens. Retries come quickly at first (it
    // usually answers within milliseconds), then every 50 ms, until it answers or ends
    const poll = async (wait: number) => {
      if (!running) return
      if (await answers(port, token)) return resolve({ child })
      setTimeout(() => void poll(Math.min(50, wait * 2)), wait)
    }
    void poll(2)
  })

/** Starts nginx serving `root` on a free loopback port; resolves once it answers. */
export const startNginx = async (root: string, options: NginxOptions = {}): Promise<NginxServer> => {
  const dir = tempDir("nginx-")
  mkdirSync(join(dir, "tmp"))
  const logPath = join(dir, "access.log")
  let started: { child: ChildProcess; port: number } | undefined
  // another process may take the port between our probe and nginx's bind: try another then
  for (let attempt = 0; started === undefined; attempt++) {
    const port = await freePort()
    try {
      started = { ...(await startOn(dir, root, port, options)), port }
    } catch (error) {
      if (!(error as { inUse?: boolean }).inUse || attempt >= 5) throw error
    }
  }
  const { child, port } = started
  const accessLog = (): ReadonlyArray<AccessEntry> =>
    existsSync(logPath)
      ? readFileSync(logPath, "utf8")
          .split("\n")
          .filter((line) => line !== "")
          .map(parseEntry)
      : []
  const logged = (holds: (log: ReadonlyArray<AccessEntry>) => boolean) =>
    new Promise<ReadonlyArray<AccessEntry>>((resolve) => {
      // nginx writes a line once it has finished a request, which may be just after its client has
      // read the whole answer: the log's changes are watched rather than polled
      let watcher: FSWatcher | undefined
      const check = () => {
        const log = accessLog()
        if (!holds(log)) return false
        watcher?.close()
        resolve(log)
        return true
      }
      if (!existsSync(logPath)) writeFileSync(logPath, "", { flag: "a" })
      watcher = watch(logPath, () => void check())
      check()
    })
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    accessLog,
    logged,
    errorLog: () => readFileSync(join(dir, "error.log"), "utf8"),
    stop: async () => {
      child.kill("SIGTERM")
      await exited(child)
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
