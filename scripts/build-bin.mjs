// Bundles the `flags` executable: dist/flags.cjs is the whole CLI in one file (one file loads in a
// third of the time the unbundled module graph of effect + @effect/* takes, see docs/performance.md),
// dist/bin.js the loader that runs it through V8's code cache (scripts/bin-loader.js), dist/prime-worker.js
// the worker threads' entry point. A training run
// (a download from the embedded server) leaves the cache of the functions a download compiles.
import { execFileSync, spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { build } from "esbuild"

// Every output is written beside its place and renamed into it: a test run (or a second build) reading
// dist/ while this build writes sees the old file or the new one, never half of one.
const writeAtomically = (file, content) => {
  const temporary = `${file}.${process.pid}.tmp`
  writeFileSync(temporary, content)
  renameSync(temporary, file)
}
const built = (result) => result.outputFiles[0].text
mkdirSync("dist", { recursive: true })

const cli = await build({
  entryPoints: ["src/bin.ts"],
  outfile: "dist/flags.cjs",
  write: false,
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
// worker thread: beside the bundle, where NodePrimePool.workerUrl points (an ES module, as dist/ is)
const worker = await build({
  entryPoints: ["src/node/prime-worker.ts"],
  outfile: "dist/prime-worker.js",
  write: false,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  minify: process.env.FLAGS_BUILD_PLAIN !== "1",
  legalComments: "none",
  logLevel: "warning"
})
writeAtomically("dist/prime-worker.js", built(worker))
// the loader carries the shebang; the bundle is wrapped as a function, where a `#!` line is an error
const bundle = built(cli).replace(/^#!.*\n/, "")
writeAtomically("dist/flags.cjs", bundle)
const hash = createHash("sha256").update(bundle).digest("hex").slice(0, 16)
const loader = readFileSync(join(import.meta.dirname, "bin-loader.js"), "utf8")
const binTemporary = `dist/bin.js.${process.pid}.tmp`
writeFileSync(binTemporary, loader.replaceAll("__BUNDLE_HASH__", hash))
chmodSync(binTemporary, 0o755)
renameSync(binTemporary, "dist/bin.js")
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
writeAtomically("dist/help.json", `${JSON.stringify({ bundle: hash, help })}\n`)

// the training run compiles what a download runs; its downloads need not all succeed (on a busy machine
// the embedded server may be slow to answer: exit 1, the cache written all the same), but it must run
const dest = mkdtempSync(join(tmpdir(), "effect-flags-training-"))
try {
  const training = spawnSync(
    process.execPath,
    ["dist/bin.js", "download", "-e", "-m", "50", "--timeout", "60", "--json", "-d", dest],
    { env: { ...process.env, FLAGS_CODE_CACHE: "write" }, encoding: "utf8" }
  )
  if (training.status !== 0 && training.status !== 1) {
    throw new Error(
      `the training download ended with ${training.status ?? training.signal}: ${training.stderr}`
    )
  }
} finally {
  rmSync(dest, { recursive: true, force: true })
}
