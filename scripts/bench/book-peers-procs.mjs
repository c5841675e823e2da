// The processes of scenario 10 (scripts/bench/book-peers.mjs): the book's folder and Python, Python's
// http.server over the book's flags, CPU hogs, and one bounded run of either client with its report parsed.
import { spawn, spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { dirname, join } from "node:path"
import { tempDir } from "./harness.mjs"

// every process started here and still running: killed at once by `killLive` (a Ctrl-C, an exit)
const live = new Set()
const track = (child) => {
  live.add(child)
  child.once("close", () => live.delete(child))
  return child
}

// the destination folders of the runs under way, removed by `killLive` too
const liveDirs = new Set()
const runDir = (prefix) => {
  const dir = tempDir(prefix)
  liveDirs.add(dir)
  return dir
}
const removeDir = (dir) => {
  rmSync(dir, { recursive: true, force: true })
  liveDirs.delete(dir)
}

/** Kills (SIGKILL) every process started here that still runs (server, hogs, a client); removes its folders. */
export const killLive = () => {
  for (const child of live) child.kill("SIGKILL")
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true })
}

/**
 * The book's 20-executors/getflags folder (BOOK_GETFLAGS, or BENCH_BOOK_CODE's checkout) and a Python
 * with httpx and tqdm for its client; `{ skip }` says why not.
 */
export const findBook = () => {
  const root = process.env.BENCH_BOOK_CODE
  const dir =
    process.env.BOOK_GETFLAGS ?? (root === undefined ? undefined : join(root, "20-executors", "getflags"))
  if (dir === undefined)
    return { skip: "BOOK_GETFLAGS is unset (the book's 20-executors/getflags folder, outside this project)" }
  for (const file of ["flags2_asyncio.py", "flags2_common.py", "flags.zip"])
    if (!existsSync(join(dir, file))) return { skip: `${join(dir, file)} does not exist` }
  if (spawnSync("python3", ["--version"]).status !== 0)
    return { skip: "python3 (for http.server) is not installed" }
  // the client wants httpx and tqdm: Debian's python3-httpx / python3-tqdm are for /usr/bin/python3
  const candidates = [process.env.BOOK_PYTHON, "/usr/bin/python3", "python3"].filter((p) => p !== undefined)
  const python = candidates.find((p) => spawnSync(p, ["-c", "import httpx, tqdm"]).status === 0)
  if (python === undefined) return { skip: `none of ${candidates.join(", ")} has httpx and tqdm` }
  const httpx = spawnSync(python, ["-c", "import httpx; print(httpx.__version__)"], { encoding: "utf8" })
  return { dir, python, httpx: httpx.stdout.trim() }
}

/** The book's flags.zip unpacked into a new temporary folder (flags/xx/xx.gif): the site's root. */
export const unpackFlags = (book) => {
  const site = tempDir("book-site")
  const unzip = spawnSync("python3", ["-m", "zipfile", "-e", join(book.dir, "flags.zip"), site])
  if (unzip.status !== 0) throw new Error(`unpacking flags.zip: ${unzip.stderr}`)
  const published = readdirSync(join(site, "flags")).filter((cc) =>
    existsSync(join(site, "flags", cc, `${cc}.gif`))
  )
  return { site, published: published.length }
}

/** `python3 -m http.server` over `site` on a free loopback port; resolves once it says where it listens. */
export const startHttpServer = (site) =>
  new Promise((resolve, reject) => {
    const args = ["-u", "-m", "http.server", "--bind", "127.0.0.1", "0", "--directory", site]
    const child = track(spawn("python3", args, { stdio: ["ignore", "pipe", "pipe"] }))
    let said = ""
    let url
    const stop = () =>
      new Promise((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done()
        child.once("close", () => done())
        child.kill("SIGKILL")
      })
    // the banner is on stdout (3.11) or stderr; the request log (stderr) is drained and dropped
    const listen = (chunk) => {
      if (url !== undefined) return
      said += chunk
      const port = /port (\d+)/.exec(said)?.[1]
      if (port !== undefined) {
        url = `http://127.0.0.1:${port}/flags`
        resolve({ url, stop, pid: child.pid })
      }
    }
    child.stdout.on("data", listen)
    child.stderr.on("data", listen)
    child.once("error", reject)
    child.once(
      "close",
      (code) => url === undefined && reject(new Error(`http.server exited ${code}: ${said}`))
    )
  })

/** `count` processes spinning a core each (`node -e "for(;;){}"`); `stop` kills them. */
export const startHogs = (count) => {
  const hogs = Array.from({ length: count }, () =>
    track(spawn(process.execPath, ["-e", "for(;;){}"], { stdio: "ignore" }))
  )
  return {
    pids: hogs.map((h) => h.pid),
    stop: () => {
      for (const h of hogs) h.kill("SIGKILL")
    }
  }
}

/** Runs a command to its end or `limitMs` (then SIGKILL): output and wall time. */
const bounded = (command, args, limitMs, env) =>
  new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    const child = track(
      spawn(command, args, {
        stdio: ["ignore", "pipe", "pipe"],
        env,
        timeout: limitMs,
        killSignal: "SIGKILL"
      })
    )
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk) => (stdout += chunk))
    child.stderr.on("data", (chunk) => (stderr += chunk))
    child.on("error", reject)
    child.on("close", (code, signal) =>
      resolve({ code, signal, stdout, stderr, wall: Number(process.hrtime.bigint() - started) / 1e9 })
    )
  })

// BENCH_BOOK_LAG=1: our processes (the bin, the ideas) measure how late their event loop ran;
// BENCH_BOOK_PRELOAD: another module they load first (scripts/bench/book-peers-trace.mjs's tracer)
const lagProbe = () => [
  ...(process.env.BENCH_BOOK_LAG === "1" ? ["--require", join(import.meta.dirname, "loop-lag.cjs")] : []),
  ...(process.env.BENCH_BOOK_PRELOAD === undefined ? [] : ["--require", process.env.BENCH_BOOK_PRELOAD])
]
const lagOf = (stderr) => {
  const line = /loop-lag (\{.*\})/.exec(stderr)?.[1]
  return line === undefined ? undefined : JSON.parse(line)
}

/** Why a run printed no report: its exit, and the first line of stderr that names an error. */
const failureOf = (r) => {
  const lines = r.stderr.split("\n").filter((line) => line.trim() !== "")
  const named = lines.find((line) => /error|exception|killed/i.test(line)) ?? lines.at(-1) ?? ""
  return `${r.signal ?? `exit ${r.code}`}: ${named.trim().slice(0, 160)}`
}

const count = (pattern, text) => Number(pattern.exec(text)?.[1] ?? 0)

/** One run of the book's flags2_asyncio.py, `-s LOCAL -e -m 100` with LOCAL pointed at `url`. */
export const runBook = async (book, url, limitMs) => {
  const dest = runDir("book-client")
  try {
    const runner = join(import.meta.dirname, "book_flags2.py")
    const r = await bounded(
      book.python,
      [runner, book.dir, url, dest, "-e", "-m", "100"],
      limitMs,
      process.env
    )
    const report = /flags? downloaded\./.test(r.stdout)
    const saved = existsSync(join(dest, "downloaded")) ? readdirSync(join(dest, "downloaded")).length : 0
    return {
      finished: report && r.code === 0,
      ok: count(/(\d+) flags? downloaded\./, r.stdout),
      notFound: count(/(\d+) not found\./, r.stdout),
      errors: count(/(\d+) errors?\./, r.stdout),
      elapsed: Number(/Elapsed time: ([\d.]+)s/.exec(r.stdout)?.[1] ?? Number.NaN),
      wall: r.wall,
      saved,
      reasons: {},
      failure: report ? undefined : failureOf(r)
    }
  } finally {
    removeDir(dest)
  }
}

// what makes one error message differ from another of its kind: the code, the URL
const reasonOf = (message) => message.replace(/https?:\/\/\S+/g, "URL").replace(/\b[A-Z]{2}\b/g, "CC")

/** One run of our bin, `download -e -m 100 --ext gif` against `url` with the default timeout (3.1 s). */
export const runOurs = async (bin, url, extra, limitMs) => {
  const dest = runDir("ours-client")
  const env = { ...process.env, NO_COLOR: "1" }
  for (const name of ["FLAGS_TIMEOUT", "FLAGS_MAX_REQ", "FLAGS_PROGRESS"]) delete env[name]
  try {
    const args = [bin, "download", "-s", url, "--ext", "gif", "-e", "-m", "100", ...extra]
    const r = await bounded(
      process.execPath,
      [...lagProbe(), ...args, "--progress", "none", "--json", "-d", dest],
      limitMs,
      env
    )
    const report = lastJson(r.stdout)
    const reasons = {}
    const errorCodes = (report?.outcomes ?? []).filter((o) => o.status === "ERROR").map((o) => o.cc)
    for (const o of report?.outcomes ?? [])
      if (o.status === "ERROR") reasons[reasonOf(o.message)] = (reasons[reasonOf(o.message)] ?? 0) + 1
    return {
      finished: report !== undefined,
      ok: report?.ok ?? 0,
      notFound: report?.notFound ?? 0,
      errors: report?.error ?? 0,
      elapsed: report?.elapsedSeconds ?? Number.NaN,
      wall: r.wall,
      saved: readdirSync(dest).length,
      reasons,
      errorCodes,
      lag: lagOf(r.stderr),
      failure: report ? undefined : failureOf(r)
    }
  } finally {
    removeDir(dest)
  }
}

/** The JSON report a client printed as its last line, or undefined when it printed none. */
const lastJson = (stdout) => {
  try {
    return JSON.parse(stdout.trim().split("\n").at(-1) ?? "")
  } catch {
    return undefined
  }
}

const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
const every = [...letters].flatMap((a) => [...letters].map((b) => a + b))

/** One run of scripts/bench/accept-window.mjs (`mode`: unpaced, gap, window), 100 workers, every code. */
export const runIdea = async (mode, url, limitMs) => {
  const dest = runDir(`idea-${mode}`)
  try {
    const script = join(import.meta.dirname, "accept-window.mjs")
    const r = await bounded(
      process.execPath,
      [...lagProbe(), script, url, "gif", dest, mode, "100", ...every],
      limitMs,
      process.env
    )
    const report = lastJson(r.stdout)
    return {
      finished: report !== undefined,
      ok: report?.ok ?? 0,
      notFound: report?.notFound ?? 0,
      errors: report?.errors ?? 0,
      elapsed: report?.elapsed ?? Number.NaN,
      wall: r.wall,
      saved: readdirSync(dest).length,
      reasons: report?.reasons ?? {},
      maxWindow: report?.maxWindow,
      slowest: report?.slowest,
      lag: lagOf(r.stderr),
      failure: report ? undefined : failureOf(r)
    }
  } finally {
    removeDir(dest)
  }
}

/**
 * The kernel's TCP counters (this network namespace: every process in it, the other engineers' tests
 * too): listen-queue overflows (a SYN or an ACK dropped by a full accept queue) and SYN / SYN-ACK
 * retransmits. Undefined where /proc/net/netstat cannot be read.
 */
export const tcpCounters = () => {
  try {
    const lines = readFileSync("/proc/net/netstat", "utf8")
      .split("\n")
      .filter((l) => l.startsWith("TcpExt:"))
    const names = lines[0].split(" ")
    const values = lines[1].split(" ").map(Number)
    const of = (name) => values[names.indexOf(name)]
    return { overflows: of("ListenOverflows"), synRetrans: of("TCPSynRetrans") }
  } catch {
    return undefined
  }
}

/** The bundle dist/bin.js runs (its content hash), so a run says which build it measured. */
export const bundleOf = (bin) => /flags-([0-9a-f]+)-/.exec(readFileSync(bin, "utf8"))?.[1] ?? "unknown"

/**
 * A copy of the bin as it is now (dist/bin.js, the bundle, its help and code cache) in a temporary
 * folder: the rounds then measure one build, whatever rebuilds dist/ meanwhile. The copy's bundle is
 * checked against the hash its loader names (a build half-written is copied again).
 */
export const snapshotBin = (bin) => {
  const from = dirname(bin)
  for (let attempt = 0; attempt < 20; attempt++) {
    const to = tempDir("bin-snapshot")
    for (const file of ["bin.js", "flags.cjs", "help.json", "prime-worker.js", ".cache"])
      if (existsSync(join(from, file))) cpSync(join(from, file), join(to, file), { recursive: true })
    const hash = bundleOf(join(to, "bin.js"))
    const bundle = readFileSync(join(to, "flags.cjs"), "utf8")
    if (createHash("sha256").update(bundle).digest("hex").slice(0, 16) === hash)
      return { bin: join(to, "bin.js"), hash, remove: () => rmSync(to, { recursive: true, force: true }) }
    rmSync(to, { recursive: true, force: true })
    spawnSync("sleep", ["1"])
  }
  throw new Error(`${from}: the bundle never matched its loader's hash (a build running?)`)
}
