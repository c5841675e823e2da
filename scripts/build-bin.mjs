// Bundles the `flags` executable: dist/flags.cjs is the whole CLI in one file (one file loads in a
// third of the time the unbundled module graph of effect + @effect/* takes, see README, Performance),
// dist/bin.js the loader that runs it through V8's code cache (scripts/bin-loader.js), dist/prime-worker.js
// the worker threads' entry point. A training run
// (a download from the embedded server) leaves the cache of the functions a download compiles.
import { execFileSync } from "node:child_process"
import { createHash } from "node:crypto"
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { build } from "esbuild"

await build({
  entryPoints: ["src/bin.ts"],
  outfile: "dist/flags.cjs",
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  minify: process.env.FLAGS_BUILD_PLAIN !== "1",
  legalComments: "none",
  // svg-country-flags is data read at run time through FileSystem, not code: it stays in node_modules
  external: ["svg-country-flags"],
  // the one `import.meta.url` (FlagStore finding svg-country-flags) in a CommonJS bundle
  define: { "import.meta.url": "__flagsModuleUrl" },
  banner: { js: 'const __flagsModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: "warning"
})
// the prime worker's entry point, started by `flags primes` and `flags spin --runner worker` in each
// worker thread: beside the bundle, where PrimePool.workerUrl points (an ES module, as dist/ is)
await build({
  entryPoints: ["src/prime-worker.ts"],
  outfile: "dist/prime-worker.js",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  minify: process.env.FLAGS_BUILD_PLAIN !== "1",
  legalComments: "none",
  logLevel: "warning"
})
// the loader carries the shebang; the bundle is wrapped as a function, where a `#!` line is an error
const bundle = readFileSync("dist/flags.cjs", "utf8").replace(/^#!.*\n/, "")
writeFileSync("dist/flags.cjs", bundle)
const hash = createHash("sha256").update(bundle).digest("hex").slice(0, 16)
const loader = readFileSync(join(import.meta.dirname, "bin-loader.js"), "utf8")
writeFileSync("dist/bin.js", loader.replaceAll("__BUNDLE_HASH__", hash))
chmodSync("dist/bin.js", 0o755)
rmSync("dist/.cache", { recursive: true, force: true })

// help and the version, rendered once here: `flags --help` then costs a Node start and a file read,
// not the bundle's evaluation and @effect/cli's layout (measured: the bundle's `--help` took 2.5× a bare
// `node -e 0`). Recorded styled; the loader strips the styles where the bin would.
const subcommands = ["download", "fetch", "serve", "spin", "primes"]
const asked = [
  ["--help"],
  ["-h"],
  ["--version"],
  ...subcommands.flatMap((name) => [
    [name, "--help"],
    [name, "-h"]
  ])
]
const help = Object.fromEntries(
  asked.map((args) => [
    args.join(" "),
    execFileSync(process.execPath, ["dist/bin.js", ...args], {
      env: { ...process.env, FLAGS_HELP_CAPTURE: "1", FLAGS_HELP_CACHE: "off" },
      encoding: "utf8"
    })
  ])
)
writeFileSync("dist/help.json", `${JSON.stringify({ bundle: hash, help })}\n`)

const dest = mkdtempSync(join(tmpdir(), "effect-flags-training-"))
try {
  execFileSync(process.execPath, ["dist/bin.js", "download", "-e", "-m", "50", "--json", "-d", dest], {
    env: { ...process.env, FLAGS_CODE_CACHE: "write" },
    stdio: "ignore"
  })
} finally {
  rmSync(dest, { recursive: true, force: true })
}
