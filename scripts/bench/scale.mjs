// Memory and per-request cost at scale, through the library's `downloadStream`: N requests (the 676
// codes AA…ZZ over and over: about 37 % flags, the rest 404s) at concurrency C, counted as they end.
// The client is the CLI's (node:http, keep-alive), or BENCH_CLIENT=undici for @effect/platform-node's undici.
// Prints a JSON line with the request rates of the first and last quarters. Usage: node scale.mjs BASE_URL N C
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
// deep imports, as an app that cares about its memory would: the barrels load every module (the
// live heap after a full GC was 32 MB through them, 26 MB this way; V8 lets the heap grow to ~4× that)
import * as CountryCodes from "../../dist/lib/download/CountryCodes.js"
import { downloadStream } from "../../dist/lib/download/Downloader.js"
import * as HttpGet from "../../dist/lib/download/HttpGet.js"
import * as CliHttpClient from "../../dist/lib/node/NodeHttpClient.js"

const [baseUrl, total = "100000", concurrency = "200"] = process.argv.slice(2)
const n = Number(total)
function* codes() {
  for (let i = 0; i < n; i++) yield CountryCodes.everyCode[i % CountryCodes.everyCode.length]
}
const dest = mkdtempSync(join(tmpdir(), "effect-flags-scale-"))
const finishedAt = new Float64Array(n)
const counts = { total: 0, OK: 0, NOT_FOUND: 0, ERROR: 0 }
const config = {
  ...HttpGet.defaultRequestOptions,
  timeout: Duration.seconds(30),
  baseUrl,
  extension: "png",
  dest,
  names: false
}
const program = downloadStream(codes(), config, { concurrency: Number(concurrency) }).pipe(
  Stream.runForEach((outcome) =>
    Effect.sync(() => {
      finishedAt[counts.total++] = performance.now()
      counts[outcome.status]++
    })
  )
)
await Effect.runPromise(
  Effect.provide(
    program,
    Layer.mergeAll(
      NodeFileSystem.layer,
      NodePath.layer,
      process.env.BENCH_CLIENT === "undici"
        ? // loaded only when asked for: undici alone is megabytes of live heap
          (await import("@effect/platform-node/NodeHttpClient")).layerUndici
        : CliHttpClient.layer
    )
  )
)
rmSync(dest, { recursive: true, force: true })
const quarter = Math.floor(n / 4)
const rate = (from, to) => (to - from) / ((finishedAt[to - 1] - finishedAt[from]) / 1000)
console.log(
  JSON.stringify({
    total: counts.total,
    ok: counts.OK,
    notFound: counts.NOT_FOUND,
    error: counts.ERROR,
    firstQuarterRate: rate(0, quarter),
    lastQuarterRate: rate(n - quarter, n)
  })
)
