// The floor of issue 5's scenarios in Node: no framework, `node:http` with a keep-alive agent and no
// socket cap, N workers pulling codes from a shared list, each body written with fs.promises. Prints
// the counts and the download phase in seconds (as the report's Elapsed time measures ours).
// Usage: node http-floor.mjs BASE_URL EXT DEST WORKERS CODE...
import * as Http from "node:http"
import { downloadAll } from "./workers.mjs"

const [base, ext, dest, workers, ...codes] = process.argv.slice(2)
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
const counts = await downloadAll({ base, ext, dest, workers, codes, get })
console.log(JSON.stringify({ ...counts, elapsed: (performance.now() - started) / 1000 }))
agent.destroy()
