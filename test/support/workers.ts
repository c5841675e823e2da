/**
 * Worker threads for tests: a TypeScript entry point bundled with esbuild (a thread starts in
 * milliseconds, where loading it through tsx takes seconds), and a record of the threads' lives.
 */
import { createHash } from "node:crypto"
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs"
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
  /**
   * How long (ms) the threads' event loops have been out of their idle wait, summed: a thread checking
   * a number never goes back to it until the answer, so this grows by the check's time, slow machine
   * or not (a thread that has not started its loop yet counts 0, as Node reports it).
   */
  get busyMs(): number {
    return this.started.reduce((sum, worker) => sum + worker.performance.eventLoopUtilization().active, 0)
  }
}

const root = fileURLToPath(new URL("../..", import.meta.url))
// kept between runs and shared by the test threads: bundling takes a second on an idle machine, several
// on a busy one, for each thread that needs it
const cache = join(root, "node_modules", ".cache", "effect-flags-test-workers")
const bundles = new Map<string, URL>()

/** Each file a bundle was made of (relative to the root), with its size and modification time then. */
type Inputs = ReadonlyArray<readonly [path: string, size: number, mtimeMs: number]>

const stamp = (path: string): readonly [number, number] | undefined => {
  try {
    const stat = statSync(join(root, path))
    return [stat.size, stat.mtimeMs]
  } catch {
    return undefined
  }
}

const unchanged = (outfile: string, inputsFile: string): boolean => {
  try {
    statSync(outfile)
    const inputs = JSON.parse(readFileSync(inputsFile, "utf8")) as Inputs
    return inputs.every(([path, size, mtimeMs]) => {
      const now = stamp(path)
      return now !== undefined && now[0] === size && now[1] === mtimeMs
    })
  } catch {
    return false
  }
}

// written beside, then renamed over: a thread or process reading at the same time sees a whole file
const replace = (path: string, contents: string | Uint8Array) => {
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`
  writeFileSync(temporary, contents)
  renameSync(temporary, path)
}

/**
 * `entry` (a TypeScript module) bundled into one ES module file: built again only when a file it is
 * made of has changed since the cached bundle was made (the bundle first, then its list of inputs).
 */
export const bundled = (entry: URL): URL => {
  const known = bundles.get(entry.href)
  if (known) return known
  mkdirSync(cache, { recursive: true })
  const name = `${basename(entry.pathname, ".ts")}-${createHash("sha256").update(entry.href).digest("hex").slice(0, 8)}`
  const outfile = join(cache, `${name}.mjs`)
  const inputsFile = join(cache, `${name}.inputs.json`)
  if (!unchanged(outfile, inputsFile)) {
    const started = Date.now()
    const result = buildSync({
      entryPoints: [fileURLToPath(entry)],
      absWorkingDir: root,
      outfile,
      write: false,
      metafile: true,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      logLevel: "warning"
    })
    const [output] = result.outputFiles
    if (output === undefined) throw new Error(`esbuild wrote no bundle for ${entry.href}`)
    const inputs: Inputs = Object.keys(result.metafile.inputs).flatMap((path) => {
      const now = stamp(path)
      return now === undefined ? [] : [[path, ...now] as const]
    })
    replace(outfile, output.contents)
    // a file changed while it was bundled: this bundle may hold its old text, the next run builds again
    if (inputs.every(([, , mtimeMs]) => mtimeMs < started)) replace(inputsFile, JSON.stringify(inputs))
  }
  const url = pathToFileURL(outfile)
  bundles.set(entry.href, url)
  return url
}

/** The project's prime worker entry point. */
export const primeWorker = new URL("../../src/node/prime-worker.ts", import.meta.url)

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
