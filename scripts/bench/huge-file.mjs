// One huge file (issue 21): `flags fetch` of a 1 GiB file from nginx on the loopback, against curl
// fetching the same file and against the floor (node:http piped to disk and hashed, nothing else),
// A B A B, medians of wall time, and flags' peak RSS. nginx is started here,
// as the current user with a folder of its own; without nginx (or curl) the scenario says so and is
// skipped. `node scripts/bench/huge-file.mjs` alone (after `npm run build`), or `hugeFileScenario`
// from bench.mjs. BENCH_RUNS (default 5) rounds; BENCH_HUGE_MIB (default 1024) the size.
import { spawn, spawnSync } from "node:child_process"
import { createCipheriv, createHash } from "node:crypto"
import { closeSync, createReadStream, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs"
import { createServer } from "node:net"
import { join } from "node:path"
import { median, tempDir, timed } from "./harness.mjs"

const MiB = 1024 * 1024

/** Writes `bytes` of AES-CTR noise (not compressible, the same every time) to `path`; their SHA-256. */
const writeNoise = (path, bytes) => {
  const cipher = createCipheriv("aes-256-ctr", Buffer.alloc(32, 7), Buffer.alloc(16))
  const zeros = Buffer.alloc(MiB)
  const hash = createHash("sha256")
  const fd = openSync(path, "w")
  try {
    for (let at = 0; at < bytes; at += MiB) {
      const block = cipher.update(zeros).subarray(0, Math.min(MiB, bytes - at))
      hash.update(block)
      writeSync(fd, block)
    }
  } finally {
    closeSync(fd)
  }
  return hash.digest("hex")
}

const sha256Of = (path) =>
  new Promise((resolve, reject) => {
    const hash = createHash("sha256")
    createReadStream(path, { highWaterMark: MiB })
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolve(hash.digest("hex")))
  })

const nginxBin = ["nginx", "/usr/sbin/nginx"].find((bin) => spawnSync(bin, ["-v"]).status === 0)

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.on("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })

/** nginx serving `root` on 127.0.0.1, in the foreground, one process, every path its own. */
const startNginx = async (root) => {
  const dir = tempDir("bench-nginx")
  mkdirSync(join(dir, "tmp"))
  const port = await freePort()
  const conf = join(dir, "nginx.conf")
  const temp = (name) => `${name}_temp_path ${join(dir, "tmp", name)};`
  writeFileSync(
    conf,
    `pid ${join(dir, "nginx.pid")};
error_log ${join(dir, "error.log")};
daemon off;
master_process off;
events { worker_connections 64; }
http {
  ${["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map(temp).join("\n  ")}
  access_log off;
  sendfile on;
  server { listen 127.0.0.1:${port}; root ${root}; }
}
`
  )
  const child = spawn(nginxBin, ["-c", conf, "-p", dir], { stdio: "ignore" })
  // listening once a request is answered
  for (;;) {
    const probe = spawnSync("curl", [
      "-s",
      "-o",
      "/dev/null",
      "-w",
      "%{http_code}",
      `http://127.0.0.1:${port}/`
    ])
    if (probe.stdout.toString() !== "000") break
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => {
          rmSync(dir, { recursive: true, force: true })
          resolve()
        })
        child.kill("SIGTERM")
      })
  }
}

/** Scenario 11: a single huge file, flags fetch and curl A B A B, medians; flags within 1.5× of curl. */
export const hugeFileScenario = async ({ bin, runs, row, f2 }) => {
  const haveCurl = spawnSync("curl", ["--version"]).status === 0
  if (nginxBin === undefined || !haveCurl) {
    row("11. one 1 GiB file from nginx: flags / curl", "skipped: needs nginx and curl", "≤ 1.5×", undefined)
    return
  }
  const size = Number(process.env.BENCH_HUGE_MIB ?? 1024) * MiB
  const site = tempDir("bench-huge-site")
  const sha = writeNoise(join(site, "huge.bin"), size)
  const nginx = await startNginx(site)
  const flagsRuns = []
  const curlRuns = []
  const floorRuns = []
  const floor = join(import.meta.dirname, "stream-floor.mjs")
  try {
    for (let i = 0; i < runs; i++) {
      const flagsDest = tempDir("bench-huge-flags")
      try {
        const result = await timed(process.execPath, [
          bin,
          "fetch",
          `${nginx.url}/huge.bin`,
          "-d",
          flagsDest,
          "--progress",
          "none"
        ])
        if (result.code !== 0) throw new Error(`flags fetch exited ${result.code}: ${result.stderr}`)
        if ((await sha256Of(join(flagsDest, "huge.bin"))) !== sha) throw new Error("flags saved another file")
        flagsRuns.push(result)
      } finally {
        rmSync(flagsDest, { recursive: true, force: true })
      }
      const floorDest = tempDir("bench-huge-floor")
      try {
        const result = await timed(process.execPath, [
          floor,
          `${nginx.url}/huge.bin`,
          join(floorDest, "huge.bin")
        ])
        if (result.code !== 0 || result.stdout.trim() !== sha)
          throw new Error(`the floor failed: ${result.stderr}`)
        floorRuns.push(result)
      } finally {
        rmSync(floorDest, { recursive: true, force: true })
      }
      const curlDest = tempDir("bench-huge-curl")
      try {
        const result = await timed("curl", [
          "-s",
          "-f",
          "-o",
          join(curlDest, "huge.bin"),
          `${nginx.url}/huge.bin`
        ])
        if (result.code !== 0) throw new Error(`curl exited ${result.code}`)
        curlRuns.push(result)
      } finally {
        rmSync(curlDest, { recursive: true, force: true })
      }
    }
  } finally {
    await nginx.stop()
    rmSync(site, { recursive: true, force: true })
  }
  const flagsWall = median(flagsRuns.map((r) => r.wall))
  const curlWall = median(curlRuns.map((r) => r.wall))
  const floorWall = median(floorRuns.map((r) => r.wall))
  const label = `${size / MiB} MiB`
  row(`11. one ${label} file from nginx: flags fetch (wall)`, `${f2(flagsWall)} s`, "—", undefined)
  row(`11. one ${label} file from nginx: curl (wall)`, `${f2(curlWall)} s`, "—", undefined)
  row(
    `11. one ${label} file from nginx: node:http piped to disk and hashed, the floor (wall)`,
    `${f2(floorWall)} s (${f2(floorWall / curlWall)}× curl)`,
    "—",
    undefined
  )
  row(
    `11. one ${label} file from nginx: flags / the floor, wall`,
    `${f2(flagsWall / floorWall)}×`,
    "—",
    undefined
  )
  row(
    `11. one ${label} file from nginx: flags / curl, wall`,
    `${f2(flagsWall / curlWall)}×`,
    "≤ 1.5×",
    flagsWall / curlWall <= 1.5
  )
  const rss = median(flagsRuns.map((r) => r.rssMiB))
  row(`11. one ${label} file: flags peak RSS`, `${f2(rss)} MiB`, "≤ 150 MiB", rss <= 150)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const runs = Number(process.env.BENCH_RUNS ?? 5)
  const bin = join(import.meta.dirname, "..", "..", "dist", "bin.js")
  await hugeFileScenario({
    bin,
    runs,
    row: (scenario, measured, target, holds) =>
      console.log(
        `${holds === undefined ? "    " : holds ? "ok  " : "MISS"} ${scenario}: ${measured} (target ${target})`
      ),
    f2: (n) => n.toFixed(2)
  })
}
