/** Servers in processes of their own for end-to-end tests: `flags serve`, and Python's `http.server`. */
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { createInterface } from "node:readline"
import { bin } from "./cli.js"

export interface ServerProcess {
  /** The flags' base URL, e.g. `http://127.0.0.1:41234/flags`. */
  readonly baseUrl: string
  /** Every line the server printed on stdout so far. */
  readonly lines: ReadonlyArray<string>
  /** Resolves once `lines` satisfy `holds` (checked now and at each new line). */
  readonly until: (holds: (lines: ReadonlyArray<string>) => boolean) => Promise<void>
  /**
   * Freezes the server (SIGSTOP): it answers nothing, while the kernel still accepts connections and
   * keeps their requests, until `resume`. A test decides so when a client's requests may end.
   */
  readonly pause: () => void
  readonly resume: () => void
  readonly stop: () => Promise<void>
}

const start = (
  command: string,
  args: ReadonlyArray<string>,
  cwd: string | undefined,
  findUrl: (line: string) => string | undefined
): Promise<ServerProcess> =>
  new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] })
    const lines: Array<string> = []
    const waiting = new Set<() => void>()
    let errors = ""
    let resolved = false
    const until = (holds: (lines: ReadonlyArray<string>) => boolean) =>
      new Promise<void>((done) => {
        const check = () => {
          if (!holds(lines)) return
          waiting.delete(check)
          done()
        }
        waiting.add(check)
        check()
      })
    const stop = () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done()
        child.once("close", () => done())
        child.kill("SIGINT")
        // a paused server takes its SIGINT once it runs again
        child.kill("SIGCONT")
      })
    const onLine = (line: string) => {
      lines.push(line)
      for (const check of [...waiting]) check()
      const url = resolved ? undefined : findUrl(line)
      if (url !== undefined) {
        resolved = true
        resolve({
          baseUrl: url,
          lines,
          until,
          pause: () => child.kill("SIGSTOP"),
          resume: () => child.kill("SIGCONT"),
          stop
        })
      }
    }
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", onLine)
    // Python's http.server announces itself on stderr
    createInterface({ input: child.stderr as NodeJS.ReadableStream }).on("line", (line) => {
      errors += `${line}\n`
      onLine(line)
    })
    child.once("error", reject)
    child.once("close", (code) => {
      if (!resolved) reject(new Error(`${command} ${args.join(" ")} exited with ${code}: ${errors}`))
    })
  })

/** `flags serve --port 0 …` (the real bin); resolves once it has printed its URL. */
export const startFlagsServe = (args: ReadonlyArray<string>) =>
  start(process.execPath, [bin, "serve", "--port", "0", ...args], undefined, (line) =>
    /at (http:\/\/\S+)\/ /.exec(line)?.[1]?.replace(/\/$/, "")
  )

/** Whether `python3` is on this machine (the book's servers are Python's standard library). */
export const havePython = spawnSync("python3", ["--version"]).status === 0

/** `python3 -m http.server` serving `dir` on a free loopback port; resolves once it listens. */
export const startPythonHttpServer = (dir: string) =>
  start("python3", ["-u", "-m", "http.server", "--bind", "127.0.0.1", "0"], dir, (line) => {
    const port = /port (\d+)/.exec(line)?.[1]
    return port === undefined ? undefined : `http://127.0.0.1:${port}/flags`
  })

const flagsPackage = dirname(createRequire(import.meta.url).resolve("svg-country-flags/countries.json"))

/** The bundled PNG of a code (lowercase), as the flag server serves it. */
export const bundledPng = (cc: string) =>
  readFileSync(join(flagsPackage, "png100px", `${cc.toLowerCase()}.png`))

const bundledNames = () =>
  JSON.parse(readFileSync(join(flagsPackage, "countries.json"), "utf8")) as Record<string, string>

/** The codes of the bundled flags (the flag server publishes these), sorted. */
export const bundledCodes = (): ReadonlyArray<string> =>
  Object.keys(bundledNames())
    .filter((cc) => /^[A-Z]{2}$/.test(cc))
    .sort()

/**
 * Writes the bundled flags into `dir` in the book's layout (`flags/xx/xx.png` and `flags/xx/metadata.json`);
 * returns the uppercase codes written.
 */
export const writeBookLayout = (dir: string): ReadonlyArray<string> => {
  const names = bundledNames()
  const codes = bundledCodes()
  for (const cc of codes) {
    const folder = join(dir, "flags", cc.toLowerCase())
    mkdirSync(folder, { recursive: true })
    writeFileSync(join(folder, `${cc.toLowerCase()}.png`), bundledPng(cc))
    writeFileSync(
      join(folder, "metadata.json"),
      JSON.stringify({ tld_cc: `.${cc.toLowerCase()}`, iso_cc: cc, country: names[cc] })
    )
  }
  return codes
}
