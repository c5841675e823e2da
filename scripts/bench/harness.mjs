// Shared pieces of the benchmark scripts: child processes timed as a whole, medians, the bench server.
import { spawn } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createInterface } from "node:readline"

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

export const tempDir = (prefix) => mkdtempSync(join(tmpdir(), `effect-flags-${prefix}-`))

/** Runs a command to completion: wall time (s), peak RSS (MiB) and CPU time (s) of the whole process. */
export const timed = (command, args, options = {}) =>
  new Promise((resolve, reject) => {
    const dir = tempDir("time")
    const timeFile = join(dir, "time")
    const started = process.hrtime.bigint()
    const child = spawn("/usr/bin/time", ["-f", "%M %U %S", "-o", timeFile, command, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      ...options
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk) => (stdout += chunk))
    child.stderr.on("data", (chunk) => (stderr += chunk))
    child.on("error", reject)
    child.on("close", (code) => {
      const wall = Number(process.hrtime.bigint() - started) / 1e9
      const [rssKiB, user, sys] = readFileSync(timeFile, "utf8")
        .trim()
        .split("\n")
        .at(-1)
        .split(" ")
        .map(Number)
      rmSync(dir, { recursive: true, force: true })
      resolve({ code, wall, rssMiB: rssKiB / 1024, cpu: user + sys, stdout, stderr })
    })
  })

/** Starts scripts/bench/server.mjs with the given FlagServer options; resolves once it listens. */
export const startServer = (options = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [new URL("./server.mjs", import.meta.url).pathname, JSON.stringify(options)],
      {
        stdio: ["pipe", "pipe", "inherit"]
      }
    )
    const lines = createInterface({ input: child.stdout })
    const waiting = []
    let info
    lines.on("line", (line) => {
      const message = JSON.parse(line)
      if (!info) {
        info = message
        resolve({
          ...info,
          stats: () =>
            new Promise((done) => {
              waiting.push(done)
              child.stdin.write("stats\n")
            }),
          stop: () =>
            new Promise((done) => {
              child.on("close", done)
              child.kill("SIGTERM")
            })
        })
      } else waiting.shift()?.(message)
    })
    child.on("error", reject)
    child.on("close", (code) => info || reject(new Error(`bench server exited with ${code}`)))
  })
