// The baseline of `npm run bench:server`: plain node:http serving the same PNG bytes from memory,
// in its own process like the flag server. Prints {"url": ...} once listening; exits when stdin ends.
import { readFileSync } from "node:fs"
import { createServer } from "node:http"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"

const root = dirname(createRequire(import.meta.url).resolve("svg-country-flags/countries.json"))
const files = new Map()
for (const cc of Object.keys(JSON.parse(readFileSync(join(root, "countries.json"), "utf8")))) {
  if (/^[A-Z]{2}$/.test(cc)) {
    const lower = cc.toLowerCase()
    files.set(`/flags/${lower}/${lower}.png`, readFileSync(join(root, "png100px", `${lower}.png`)))
  }
}
const server = createServer((request, response) => {
  const body = files.get(request.url)
  if (body === undefined) {
    response.writeHead(404, { "content-length": 0 }).end()
    return
  }
  response.writeHead(200, { "content-type": "image/png", "content-length": body.length }).end(body)
})
server.listen(0, "127.0.0.1", () =>
  console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}/flags` }))
)
process.stdin.on("end", () => process.exit(0)).resume()
