// Memory and per-request cost at scale, through the library: N requests (the 676 codes AA…ZZ over and
// over, so about 37 % are flags and the rest 404s) at concurrency C. Prints a JSON line with the
// request rates of the first and last quarters. Usage: node scale.mjs BASE_URL N C
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { CountryCodes, Downloader, FlagClient } from "../../dist/lib/index.js"

const [baseUrl, total = "100000", concurrency = "200"] = process.argv.slice(2)
const n = Number(total)
const codes = Array.from({ length: n }, (_, i) => CountryCodes.everyCode[i % CountryCodes.everyCode.length])
const dest = mkdtempSync(join(tmpdir(), "effect-flags-scale-"))
const finishedAt = []
const program = Downloader.downloadMany(
  codes,
  {
    ...FlagClient.defaultRequestOptions,
    timeout: Duration.seconds(30),
    baseUrl,
    extension: "png",
    dest,
    names: false
  },
  { concurrency: Number(concurrency), onOutcome: () => Effect.sync(() => finishedAt.push(performance.now())) }
)
const summary = await Effect.runPromise(
  Effect.provide(program, Layer.mergeAll(NodeContext.layer, NodeHttpClient.layerUndici))
)
rmSync(dest, { recursive: true, force: true })
const quarter = Math.floor(n / 4)
const rate = (from, to) => (to - from) / ((finishedAt[to - 1] - finishedAt[from]) / 1000)
console.log(
  JSON.stringify({
    total: summary.ok + summary.notFound + summary.error,
    ok: summary.ok,
    notFound: summary.notFound,
    error: summary.error,
    firstQuarterRate: rate(0, quarter),
    lastQuarterRate: rate(n - quarter, n)
  })
)
