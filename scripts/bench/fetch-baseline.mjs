// The plain-Node baseline of issue 5: `fetch` with N workers pulling codes from a shared list, each
// body written with fs.promises. Usage: node fetch-baseline.mjs BASE_URL EXT DEST WORKERS CODE...
import { downloadAll } from "./workers.mjs"

const [base, ext, dest, workers, ...codes] = process.argv.slice(2)
const get = async (url) => {
  const response = await fetch(url)
  return { status: response.status, body: new Uint8Array(await response.arrayBuffer()) }
}
console.log(JSON.stringify(await downloadAll({ base, ext, dest, workers, codes, get })))
