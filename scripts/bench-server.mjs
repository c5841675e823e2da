// `npm run bench:server`: requests per second of the flag server against a plain node:http server
// serving the same bytes from memory, each in its own process, loaded by autocannon in the same run
// in alternating order (A B, B A, …). Target: the flag server at ≥ 60 % of the plain server's rate.
// BENCH_RUNS (default 5) rounds of BENCH_SECONDS (default 3) s each; dist/lib is rebuilt when stale.
import { execFileSync, spawn } from "node:child_process"
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import autocannon from "autocannon"
import { median } from "./bench/harness.mjs"

const root = join(import.meta.dirname, "..")
const runs = Number(process.env.BENCH_RUNS ?? 5)
const seconds = Number(process.env.BENCH_SECONDS ?? 3)
const connections = 50
const codes = ["br", "cn", "de", "fr", "in", "jp", "us", "za"]

// the flag server runs from dist/lib: build it when a source file is newer than the build
const newest = (dir) =>
  Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((entry) =>
      entry.isDirectory() ? newest(join(dir, entry.name)) : statSync(join(dir, entry.name)).mtimeMs
    )
  )
const built = (() => {
  try {
    return statSync(join(root, "dist/lib/index.js")).mtimeMs
  } catch {
    return 0
  }
})()
if (newest(join(root, "src")) > built) {
  console.log("building dist/lib …")
  execFileSync(
    process.execPath,
    [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
    {
      cwd: root,
      stdio: "inherit"
    }
  )
}

const start = (name, script, arg) => {
  const child = spawn(process.execPath, [join(import.meta.dirname, "bench", script), arg], {
    stdio: ["pipe", "pipe", "inherit"]
  })
  return new Promise((resolve, reject) => {
    child.on("error", reject)
    child.stdout.once("data", (chunk) =>
      resolve({ name, child, url: JSON.parse(String(chunk).split("\n")[0]).url, rates: [], cpu: [] })
    )
  })
}
// CPU seconds the server process has used (Linux /proc; undefined elsewhere)
const cpuOf = (pid) => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ")
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return undefined
  }
}

const load = async (server, duration) => {
  const before = cpuOf(server.child.pid)
  const result = await autocannon({
    url: server.url.replace(/\/flags$/, ""),
    connections,
    duration,
    requests: codes.map((cc) => ({ method: "GET", path: `/flags/${cc}/${cc}.png` }))
  })
  if (result.errors > 0 || result.non2xx > 0) {
    throw new Error(`${server.name}: ${result.errors} errors, ${result.non2xx} non-2xx answers`)
  }
  const after = cpuOf(server.child.pid)
  return {
    rate: result.requests.average,
    cpuPerRequest:
      before === undefined || after === undefined ? undefined : (after - before) / result.requests.total
  }
}

const flag = await start("flag server", "server.mjs", "{}")
const plain = await start("plain node:http", "plain-server.mjs", "")
try {
  await load(flag, 2) // warm both up: caches filled, JIT settled
  await load(plain, 2)
  const ratios = []
  for (let i = 0; i < runs; i++) {
    const pair = i % 2 === 0 ? [flag, plain] : [plain, flag]
    const measured = []
    for (const server of pair) {
      const { rate, cpuPerRequest } = await load(server, seconds)
      server.rates.push(rate)
      if (cpuPerRequest !== undefined) server.cpu.push(cpuPerRequest)
      measured.push(rate)
    }
    ratios.push(i % 2 === 0 ? measured[0] / measured[1] : measured[1] / measured[0])
  }
  const ratio = median(ratios)
  const micros = (server) =>
    server.cpu.length > 0 ? `, ${(median(server.cpu) * 1e6).toFixed(0)} µs CPU/request` : ""
  console.log(`ratio: ${ratio.toFixed(2)} (target ≥ 0.60) ${ratio >= 0.6 ? "ok" : "MISS"}`)
  for (const server of [flag, plain]) {
    console.log(
      `${`${server.name}:`.padEnd(17)} ${Math.round(median(server.rates))} req/s${micros(server)}  (${server.rates.map(Math.round).join(" ")})`
    )
  }
  console.log(
    `median of ${runs} alternating rounds × ${seconds} s, ${connections} connections, ${codes.length} PNGs, Node ${process.version}`
  )
} finally {
  flag.child.stdin.end()
  plain.child.stdin.end()
}
process.exit(0)
