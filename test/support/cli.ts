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
  /** When (`Date.now()`) the signal of `signalAfterMs` was sent; undefined if the bin ended before. */
  readonly signalledAt: number | undefined
  /** When the bin had exited and its output was closed. */
  readonly endedAt: number
}

export const bin = join(import.meta.dirname, "..", "..", "dist", "bin.js")

/**
 * The phase timeout every bin run here gets unless its test sets one (`--timeout` wins over it): 20 times
 * the book's 3.1 s, so that only a test about timeouts sees one, however busy the machine.
 */
export const patientTimeout = { FLAGS_TIMEOUT: "62" } as const

export const tempDir = (prefix = "flags-e2e-") => mkdtempSync(join(tmpdir(), prefix))

export const runCli = (
  args: ReadonlyArray<string>,
  options: {
    readonly cwd?: string
    readonly env?: NodeJS.ProcessEnv
    /**
     * Sends `signal` (default SIGINT) this long after the bin shows it runs (`runsWhen`), or after the
     * spawn without `runsWhen`. Counted from what the bin printed, a moment means the same on a loaded
     * machine, where starting Node and the bundle alone can take longer than the moment.
     */
    readonly signalAfterMs?: number
    readonly signal?: NodeJS.Signals
    /** The bin runs once its stdout so far satisfies this: the moment `signalAfterMs` counts from. */
    readonly runsWhen?: (stdout: string) => boolean
    /** Written to the bin's standard input (which is otherwise closed). */
    readonly stdin?: string
  } = {}
): Promise<CliResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: "1", ...patientTimeout, ...options.env },
      stdio: [options.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"]
    })
    if (options.stdin !== undefined) child.stdin?.end(options.stdin)
    let stdout = ""
    let stderr = ""
    let signalledAt: number | undefined
    let ended = false
    let timer: NodeJS.Timeout | undefined
    const { signalAfterMs, runsWhen } = options
    const armSignal = () => {
      if (signalAfterMs === undefined || timer !== undefined) return
      timer = setTimeout(() => {
        if (ended) return
        signalledAt = Date.now()
        child.kill(options.signal ?? "SIGINT")
      }, signalAfterMs)
    }
    child.stdout?.on("data", (chunk) => {
      stdout += chunk
      if (runsWhen?.(stdout) === true) armSignal()
    })
    child.stderr?.on("data", (chunk) => (stderr += chunk))
    child.on("error", reject)
    if (runsWhen === undefined) armSignal()
    child.on("exit", () => {
      ended = true
      clearTimeout(timer)
    })
    child.on("close", (code, signal) => {
      ended = true
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr, signalledAt, endedAt: Date.now() })
    })
  })

/** The counts of the book's final report. */
export const reportCounts = (stdout: string) => ({
  ok: Number(/(\d+) (?:flags?|files?) downloaded/.exec(stdout)?.[1] ?? 0),
  notFound: Number(/(\d+) not found\./.exec(stdout)?.[1] ?? 0),
  errors: Number(/(\d+) errors?\./.exec(stdout)?.[1] ?? 0)
})
