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
}

export const bin = join(import.meta.dirname, "..", "..", "dist", "bin.js")

export const tempDir = (prefix = "flags-e2e-") => mkdtempSync(join(tmpdir(), prefix))

export const runCli = (
  args: ReadonlyArray<string>,
  options: {
    readonly cwd?: string
    readonly env?: NodeJS.ProcessEnv
    readonly signalAfterMs?: number
    readonly signal?: NodeJS.Signals
    /** Written to the bin's standard input (which is otherwise closed). */
    readonly stdin?: string
  } = {}
): Promise<CliResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: "1", ...options.env },
      stdio: [options.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"]
    })
    if (options.stdin !== undefined) child.stdin?.end(options.stdin)
    let stdout = ""
    let stderr = ""
    child.stdout?.on("data", (chunk) => (stdout += chunk))
    child.stderr?.on("data", (chunk) => (stderr += chunk))
    child.on("error", reject)
    if (options.signalAfterMs !== undefined) {
      setTimeout(() => child.kill(options.signal ?? "SIGINT"), options.signalAfterMs)
    }
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }))
  })

/** The counts of the book's final report. */
export const reportCounts = (stdout: string) => ({
  ok: Number(/(\d+) (?:flags?|files?) downloaded/.exec(stdout)?.[1] ?? 0),
  notFound: Number(/(\d+) not found\./.exec(stdout)?.[1] ?? 0),
  errors: Number(/(\d+) errors?\./.exec(stdout)?.[1] ?? 0)
})
