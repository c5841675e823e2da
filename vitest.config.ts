import { availableParallelism } from "node:os"
import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

/**
 * Files that run real processes (the bin, servers, tmux) or measure the process they run in (Soak:
 * its heap and descriptors): each in a process of its own. They mostly wait, so they run beside the rest.
 */
const processes = [
  "test/**/*.e2e.test.ts",
  "test/Readme.test.ts",
  "test/Soak.test.ts",
  "test/DownloadScreen.test.ts"
]
/** The package's entry points besides the root, each a folder of src/ with its index.ts. */
const entries = ["download", "node", "primes", "server", "session", "terminal", "testing"]
const source = (file: string) => fileURLToPath(new URL(`./src/${file}`, import.meta.url))
const alias = {
  // examples import the package by name, as an app would; here that name is the source
  ...Object.fromEntries(entries.map((entry) => [`effect-flags/${entry}`, source(`${entry}/index.ts`)])),
  "effect-flags": source("index.ts")
}
/** What every project shares (not through `extends`: a project would run the build of globalSetup again). */
const shared = {
  // the renderer reads these through Config (OutputMode): pinned, so a test sees the same output
  // whatever shell or CI runs the suite; tests that need another environment provide their own
  env: { CI: "", TERM: "xterm-256color", NO_COLOR: "", LC_ALL: "", LC_CTYPE: "", LANG: "C.UTF-8" },
  // a guard against a hang, not a budget: a test that waits on processes may take 20 times longer on a
  // busy machine than on an idle one, and must still pass
  testTimeout: 300_000,
  hookTimeout: 300_000
}

/** The machine's cores: the in-process files get one thread each, the process files (mostly waiting) one more. */
const cores = availableParallelism()

export default defineConfig({
  resolve: { alias },
  test: {
    globalSetup: ["test/setup/build-bin.ts"],
    // vitest's default is one worker per core but one: one file at a time on a 2-core machine, where most
    // end-to-end files wait on their processes. The in-process files share a thread per core and their
    // loaded modules (no isolation: they provide their environments through layers, never through
    // globals); the process files run in a fork per core and one more beside them.
    poolOptions: {
      threads: { isolate: false, minThreads: 1, maxThreads: cores },
      forks: { minForks: 1, maxForks: cores + 1 }
    },
    projects: [
      {
        resolve: { alias },
        test: {
          ...shared,
          name: "unit",
          pool: "threads",
          include: ["test/**/*.test.ts", "examples/**/*.test.ts"],
          exclude: processes
        }
      },
      {
        resolve: { alias },
        // the book's servers (a listen backlog of 5) among them: once ran last and alone, while a burst
        // of connects overflowed their accept queue; the client's window of connections keeps it short
        test: { ...shared, name: "processes", pool: "forks", include: processes }
      }
    ]
  }
})
