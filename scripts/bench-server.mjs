// `npm run bench:server`: requests per second of the flag server against a plain node:http server
// serving the same bytes, loaded by autocannon in the same run, A B A B. Target: ≥ 60 %.
import { spawn } from "node:child_process"
import { join } from "node:path"
import autocannon from "autocannon"
import { median } from "./bench/harness.mjs"

const runs = Number(process.env.BENCH_RUNS ?? 3)
const seconds = Number(process.env.BENCH_SECONDS ?? 4)
const codes = ["br", "cn", "de", "fr", "in", "jp", "us", "za"]

const start = (script, arg) => {
  const child = spawn(process.execPath, [join(import.meta.dirname, "bench", script), arg], {
    stdio: ["pipe", "pipe", "inherit"]
  })
  return new Promise((resolve) =>
    child.stdout.once("data", (chunk) => resolve({ child, url: JSON.parse(String(chunk)).url }))
  )
}
// both servers in their own process, on equal terms
const flagServer = await start("server.mjs", "{}")
const plainServer = await start("plain-server.mjs", "")
const flagUrl = flagServer.url
const plainUrl = plainServer.url

const load = (baseUrl) =>
  new Promise((resolve, reject) => {
    autocannon(
      {
        url: baseUrl.replace(/\/flags$/, ""),
        connections: 50,
        duration: seconds,
        requests: codes.map((cc) => ({ method: "GET", path: `/flags/${cc}/${cc}.png` }))
      },
      (error, result) => (error ? reject(error) : resolve(result))
    )
  })

const flag = []
const node = []
await load(flagUrl) // warm both up: caches filled, JIT settled
await load(plainUrl)
for (let i = 0; i < runs; i++) {
  flag.push((await load(flagUrl)).requests.average)
  node.push((await load(plainUrl)).requests.average)
}
flagServer.child.stdin.end()
plainServer.child.stdin.end()
const ratio = median(flag) / median(node)
console.log(
  `flag server:      ${Math.round(median(flag))} req/s (median of ${runs} × ${seconds} s, 50 connections)`
)
console.log(`plain node:http:  ${Math.round(median(node))} req/s`)
console.log(`ratio: ${ratio.toFixed(2)} (target ≥ 0.60) ${ratio >= 0.6 ? "ok" : "MISS"}`)
process.exit(0)
