/**
 * Worker threads for tests: a TypeScript entry point bundled once with esbuild (a thread starts in
 * milliseconds, where loading it through tsx takes seconds), and a record of the threads' lives.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { basename, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { Worker } from "node:worker_threads"
import * as NodeWorker from "@effect/platform-node/NodeWorker"
import * as Layer from "effect/Layer"
import { buildSync } from "esbuild"
import { PrimePool } from "../../src/index.js"

/** The threads a test's spawner started, and how many are still running. */
export class Threads {
  readonly started: Array<Worker> = []
  private exits = 0
  add(worker: Worker): Worker {
    this.started.push(worker)
    worker.once("exit", () => this.exits++)
    return worker
  }
  get alive(): number {
    return this.started.length - this.exits
  }
}

let dir: string | undefined
const bundles = new Map<string, URL>()

/** `entry` (a TypeScript module) bundled into one ES module file, once per test process. */
export const bundled = (entry: URL): URL => {
  const known = bundles.get(entry.href)
  if (known) return known
  if (dir === undefined) {
    const created = mkdtempSync(join(tmpdir(), "effect-flags-workers-"))
    process.once("exit", () => rmSync(created, { recursive: true, force: true }))
    dir = created
  }
  const outfile = join(dir, `${basename(entry.pathname, ".ts")}.mjs`)
  buildSync({
    entryPoints: [fileURLToPath(entry)],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning"
  })
  const url = pathToFileURL(outfile)
  bundles.set(entry.href, url)
  return url
}

/** The project's prime worker entry point. */
export const primeWorker = new URL("../../src/prime-worker.ts", import.meta.url)

/** A `PrimePool` of `size` threads running `entry` (default: the project's worker), recorded in `threads`. */
export const poolLayer = (
  size: number,
  options: { readonly entry?: URL; readonly threads?: Threads } = {}
) => {
  const url = bundled(options.entry ?? primeWorker)
  return PrimePool.layer({ size }).pipe(
    Layer.provide(
      NodeWorker.layer(() => {
        const worker = new Worker(url)
        return options.threads ? options.threads.add(worker) : worker
      })
    )
  )
}
