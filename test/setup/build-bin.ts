// End-to-end tests run the real bundled `flags` bin: build it once before the suite, unless dist/ holds a
// build newer than everything it is made of (as right after `npm run build`, which CI runs before the
// tests; the build takes 4 s on an idle machine, three times that on a busy one).
import { execFileSync } from "node:child_process"
import { join } from "node:path"
import { isFresh } from "../support/freshness.js"

const root = join(import.meta.dirname, "..", "..")

/** What scripts/build-bin.mjs writes. */
const outputs = ["dist/bin.js", "dist/flags.cjs", "dist/prime-worker.js", "dist/help.json"]

/**
 * What it reads: the sources it bundles, itself and the loader, and what decides the bundled packages
 * and esbuild's settings. Folders count too: a file deleted from src/ changes its folder's time.
 */
const inputs = [
  "src",
  "scripts/build-bin.mjs",
  "scripts/bin-loader.js",
  "package.json",
  "package-lock.json",
  "node_modules/.package-lock.json",
  "tsconfig.json"
]

export default function setup() {
  if (isFresh(root, outputs, inputs)) {
    console.log("dist/bin.js is newer than the sources it bundles: not rebuilt")
    return
  }
  execFileSync(process.execPath, ["scripts/build-bin.mjs"], { cwd: root, stdio: "inherit" })
}
