// The floor of issue 5's scenarios in Node: no framework, `node:http` with a keep-alive agent and no
// socket cap, N workers pulling codes from a shared list, each body written with fs.promises. Prints
// the counts and the download phase in seconds (as the report's Elapsed time measures ours).
// Usage: node http-floor.mjs BASE_URL EXT DEST WORKERS CODE...
import { mkdir, writeFile } from "node:fs/promises"
import * as Http from "node:http"
import { join } from "node:path"

const [base, ext, dest, workers, ...codes] = process.argv.slice(2)
await mkdir(dest, { recursive: true })
const agent = new Http.Agent({ keepAlive: true })
const get = (url) =>
  new Promise((resolve, reject) => {
    Http.get(url, { agent }, (response) => {
      const chunks = []
      response.on("data", (chunk) => chunks.push(chunk))
      response.on("end", () => resolve({ status: response.statusCode, body: Buffer.concat(chunks) }))
      response.on("error", reject)
    }).on("error", reject)
  })
const started = performance.now()
let next = 0
const counts = { ok: 0, notFound: 0, error: 0 }
const worker = async () => {
  while (next < codes.length) {
    const cc = codes[next++].toLowerCase()
    try {
      const { status, body } = await get(`${base}/${cc}/${cc}.${ext}`)
      if (status === 404) counts.notFound++
      else if (status !== 200) counts.error++
      else {
        await writeFile(join(dest, `${cc}.${ext}`), body)
        counts.ok++
      }
    } catch {
      counts.error++
    }
  }
}
await Promise.all(Array.from({ length: Number(workers) }, worker))
console.log(JSON.stringify({ ...counts, elapsed: (performance.now() - started) / 1000 }))
agent.destroy()
