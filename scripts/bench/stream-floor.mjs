// Scenario 11's floor: one file fetched with node:http and nothing else, piped to disk through a write
// stream (4 MiB batches) and hashed (SHA-256) on its way, as flags fetch does. Usage: node
// stream-floor.mjs URL FILE; prints the file's SHA-256.
import { createHash } from "node:crypto"
import { createWriteStream } from "node:fs"
import { get } from "node:http"

const [url, file] = process.argv.slice(2)
const hash = createHash("sha256")
get(url, (response) => {
  const out = createWriteStream(file, { highWaterMark: 4 * 1024 * 1024 })
  response.on("data", (chunk) => hash.update(chunk))
  response.pipe(out)
  out.on("finish", () => console.log(hash.digest("hex")))
}).on("error", (error) => {
  console.error(error.message)
  process.exit(1)
})
