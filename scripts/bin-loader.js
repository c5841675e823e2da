#!/usr/bin/env node
// The `flags` executable: runs the bundled CLI (flags.cjs) through V8's code cache, so a start skips
// parsing and compiling the functions an earlier run compiled (Node 20 has no module.enableCompileCache;
// measured: 25-35 % of a cold start). Written into dist/ by scripts/build-bin.mjs.
import { accessSync, constants, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs"
import Module, { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { Script } from "node:vm"

const here = dirname(fileURLToPath(import.meta.url))

// `flags --help`, `flags SUB --help`, `flags --version`: the answers the build recorded from the bundle
// itself (scripts/build-bin.mjs), printed without evaluating it; styled only where the bin would style
const recordedAnswer = () => {
  if (process.env.FLAGS_HELP_CACHE === "off") return undefined
  try {
    const recorded = JSON.parse(readFileSync(join(here, "help.json"), "utf8"))
    return recorded.bundle === "__BUNDLE_HASH__" ? recorded.help[process.argv.slice(2).join(" ")] : undefined
  } catch {
    return undefined
  }
}
const answer = recordedAnswer()
if (typeof answer === "string") {
  const plain = !process.stdout.isTTY || (process.env.NO_COLOR ?? "") !== ""
  // the same styles the bin strips: ESC [ … letter
  const styles = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, "g")
  process.stdout.write(plain ? answer.replace(styles, "") : answer)
} else run()

function run() {
  const bundle = join(here, "flags.cjs")
  // V8 checks a cache against its own version and flags, but checks the source only by length: the
  // bundle's content hash in the name keeps a stale cache from ever being offered for a new bundle
  const cacheDir = join(here, ".cache")
  const cacheFile = join(cacheDir, `flags-__BUNDLE_HASH__-${process.version}-${process.arch}.v8`)

  let cachedData
  try {
    cachedData = readFileSync(cacheFile)
  } catch {}
  const script = new Script(Module.wrap(readFileSync(bundle, "utf8")), { filename: bundle, cachedData })
  if (cachedData === undefined || script.cachedDataRejected || process.env.FLAGS_CODE_CACHE === "write") {
    // at exit the cache holds every function this run compiled; best effort, and not even built where
    // dist is read-only (a global install run by another user)
    process.once("exit", () => {
      try {
        mkdirSync(cacheDir, { recursive: true })
        accessSync(cacheDir, constants.W_OK)
        const temporary = `${cacheFile}.${process.pid}.tmp`
        writeFileSync(temporary, script.createCachedData())
        renameSync(temporary, cacheFile)
      } catch {}
    })
  }
  const module = { exports: {} }
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, here)
}
