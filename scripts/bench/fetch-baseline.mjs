// The plain-Node baseline of issue 5: `fetch` with N workers pulling codes from a shared list,
// each body written with fs.promises. Usage: node fetch-baseline.mjs BASE_URL EXT DEST WORKERS CODE...
import { mkdir, writeFile } from "node:fs/promises"
import { join } from "node:path"

const [base, ext, dest, workers, ...codes] = process.argv.slice(2)
await mkdir(dest, { recursive: true })
let next = 0
const counts = { ok: 0, notFound: 0, error: 0 }
const worker = async () => {
  while (next < codes.length) {
    const cc = codes[next++].toLowerCase()
    try {
      const response = await fetch(`${base}/${cc}/${cc}.${ext}`)
      const body = new Uint8Array(await response.arrayBuffer())
      if (response.status === 404) counts.notFound++
      else if (!response.ok) counts.error++
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
console.log(JSON.stringify(counts))
