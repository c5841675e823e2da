// The plain-Node baselines' shared loop: N workers pulling codes from one list, each answer counted
// and a 200's body written with fs.promises. `get(url)` resolves to { status, body }.
import { mkdir, writeFile } from "node:fs/promises"
import { join } from "node:path"

export const downloadAll = async ({ base, ext, dest, workers, codes, get }) => {
  await mkdir(dest, { recursive: true })
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
  return counts
}
