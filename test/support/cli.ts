/** Runs the real bundled `flags` bin as a child process. */
import { spawn } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

export interface CliResult {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
  /** When (`Date.now()`) the signal was sent; undefined if the bin ended before. */
  readonly signalledAt: number | undefined
  /** When the bin had exited and its output was closed. */
  readonly endedAt: number
}

/** A bin being run, as `signalWhen` sees it. */
export interface RunningBin {
  /** Its stdout so far. */
  readonly stdout: () => string
  /** Resolves once its stdout so far satisfies `test` (checked as each chunk arrives); never if it ends first. */
  readonly printed: (test: (stdout: string) => boolean) => Promise<void>
  /** Aborted when the bin has exited: a watcher started for `signalWhen` stops then. */
  readonly ended: AbortSignal
}

export const bin = join(import.meta.dirname, "..", "..", "dist", "bin.js")

/**
 * The phase timeout every bin run here gets unless its test sets one (`--timeout` wins over it): 20 times
 * the book's 3.1 s, so that only a test about timeouts sees one, however busy the machine.
 */
export const patientTimeout = { FLAGS_TIMEOUT: "62" } as const

export const tempDir = (prefix = "flags-e2e-") => mkdtempSync(join(tmpdir(), prefix))

/**
 * A moment for `signalWhen`: at once, in the tick of the spawn, while Node is still loading the bin
 * (which takes tens of milliseconds of CPU before its first line runs, on any machine).
 */
export const atSpawn = () => Promise.resolve()

export const runCli = (
  args: ReadonlyArray<string>,
  options: {
    readonly cwd?: string
    readonly env?: NodeJS.ProcessEnv
    /**
     * Sends `signal` (default SIGINT) as soon as the promise this returns resolves, in the same tick:
     * a moment made of what the bin printed (`bin.printed`), what a server saw or what a journal holds,
     * never of elapsed time, so it means the same on a loaded machine. Not sent if the bin ended first.
     */
    readonly signalWhen?: (bin: RunningBin) => PromiseLike<unknown>
    /** Called just before the signal is sent, in the same tick: a server can take note of the moment. */
    readonly onSignal?: () => void
    /**
     * Sends `signal` this long after the bin shows it runs (`runsWhen`), or after the spawn without
     * `runsWhen`. Milliseconds mean less on a loaded machine than progress: prefer `signalWhen`.
     */
    readonly signalAfterMs?: number
    readonly signal?: NodeJS.Signals
    /** The bin runs once its stdout so far satisfies this: the moment `signalAfterMs` counts from. */
    readonly runsWhen?: (stdout: string) => boolean
    /** Written to the bin's standard input (which is otherwise closed). */
    readonly stdin?: string
    /**
     * A Node script run instead of the bin, given these arguments, then the bin's path and `args` (as
     * `node script ...wrapper.args bin ...args`); it imports the bin itself, e.g. to crash it from inside.
     */
    readonly wrapper?: { readonly script: string; readonly args: ReadonlyArray<string> }
  } = {}
): Promise<CliResult> =>
  new Promise((resolve, reject) => {
    const argv =
      options.wrapper === undefined
        ? [bin, ...args]
        : [options.wrapper.script, ...options.wrapper.args, bin, ...args]
    const child = spawn(process.execPath, argv, {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: "1", ...patientTimeout, ...options.env },
      stdio: [options.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"]
    })
    if (options.stdin !== undefined) child.stdin?.end(options.stdin)
    let stdout = ""
    let stderr = ""
    let signalledAt: number | undefined
    let exited = false
    let timer: NodeJS.Timeout | undefined
    const ended = new AbortController()
    const waiting = new Set<{ test: (stdout: string) => boolean; resolve: () => void }>()
    const check = () => {
      for (const waiter of waiting) {
        if (!waiter.test(stdout)) continue
        waiting.delete(waiter)
        waiter.resolve()
      }
    }
    const sendSignal = () => {
      if (exited || signalledAt !== undefined) return
      options.onSignal?.()
      signalledAt = Date.now()
      child.kill(options.signal ?? "SIGINT")
    }
    const { signalAfterMs, runsWhen } = options
    const armTimer = () => {
      if (signalAfterMs === undefined || timer !== undefined) return
      timer = setTimeout(sendSignal, signalAfterMs)
    }
    child.stdout?.on("data", (chunk) => {
      stdout += chunk
      check()
      if (runsWhen?.(stdout) === true) armTimer()
    })
    child.stderr?.on("data", (chunk) => (stderr += chunk))
    child.on("error", reject)
    if (runsWhen === undefined) armTimer()
    if (options.signalWhen !== undefined) {
      const running: RunningBin = {
        stdout: () => stdout,
        printed: (test) =>
          new Promise<void>((resolve) => {
            if (test(stdout)) resolve()
            else if (!exited) waiting.add({ test, resolve })
          }),
        ended: ended.signal
      }
      const signalWhen = options.signalWhen
      Promise.resolve(running)
        .then(signalWhen)
        .then(sendSignal, (error: unknown) => {
          child.kill("SIGKILL")
          reject(error)
        })
    }
    child.on("exit", () => {
      exited = true
      clearTimeout(timer)
      waiting.clear()
      ended.abort()
    })
    child.on("close", (code, signal) => {
      exited = true
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr, signalledAt, endedAt: Date.now() })
    })
  })

/** One `-v` line of an item a run did itself: `BR OK`, `ZZ not found: URL`, `XX error: …`. */
export interface ItemLine {
  readonly id: string
  readonly status: "OK" | "NOT_FOUND" | "ERROR"
}

const itemLine = /^([A-Z]{2}) (OK|not found: \S+|error: .*)$/
const resumedLine = / \((?:already done|before: not asked again)\)$/

/** The `-v` lines (whole ones) of the items a run did, in order; not those it resumed from its session. */
export const itemLines = (stdout: string): ReadonlyArray<ItemLine> =>
  stdout
    .slice(0, stdout.lastIndexOf("\n") + 1)
    .split("\n")
    .flatMap((line) => {
      const match = resumedLine.test(line) ? null : itemLine.exec(line)
      if (match?.[1] === undefined || match[2] === undefined) return []
      const words = match[2]
      const status = words === "OK" ? "OK" : words.startsWith("not found") ? "NOT_FOUND" : "ERROR"
      return [{ id: match[1], status } as const]
    })

/** The book's separator above the final report: printed once a run, signalled or not, reports. */
export const reportRule = "-".repeat(20)

/** The counts of the book's final report. */
export const reportCounts = (stdout: string) => ({
  ok: Number(/(\d+) (?:flags?|files?) downloaded/.exec(stdout)?.[1] ?? 0),
  notFound: Number(/(\d+) not found\./.exec(stdout)?.[1] ?? 0),
  errors: Number(/(\d+) errors?\./.exec(stdout)?.[1] ?? 0)
})
