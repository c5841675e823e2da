/**
 * Attaching OpenTelemetry from your app (the library does not depend on it): every download is a
 * `Downloader.downloadOne` span with its code as an attribute, with `HttpGet.get` and
 * `Destination.saveFile` under it; the metrics `flags_downloads_total` and `flags_download_duration_ms`
 * go to any metric reader you configure. Run: `npm run example -- tracing`.
 */
import * as NodeSdk from "@effect/opentelemetry/NodeSdk"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import { Destination, DownloadMetrics, downloadMany, FlagServer, HttpGet } from "effect-flags"
import { NodeFlagServer } from "effect-flags/node"

// In a real app: an OTLP exporter to your collector. In memory here, to print what was recorded.
const exporter = new InMemorySpanExporter()
const Telemetry = NodeSdk.layer(() => ({
  resource: { serviceName: "flags-example" },
  spanProcessor: new SimpleSpanProcessor(exporter)
}))

const program = Effect.gen(function* () {
  const server = yield* FlagServer.FlagServer
  yield* Destination.prepareDestination("downloaded-traced")
  const summary = yield* downloadMany(
    ["BR", "JP", "ZZ"],
    {
      ...HttpGet.defaultRequestOptions,
      baseUrl: server.baseUrl,
      extension: server.extension,
      dest: "downloaded-traced",
      names: false
    },
    { concurrency: 3 }
  ).pipe(Effect.withSpan("my-app.fetch-flags"))
  const ok = yield* Metric.value(Metric.tagged(DownloadMetrics.downloads, "status", "OK"))
  yield* Console.log(
    `${summary.ok} downloaded, ${summary.notFound} not found; flags_downloads_total{status=OK} = ${ok.count}`
  )
  // the in-memory exporter forgets its spans when the SDK shuts down with the layer: read them now
  for (const span of exporter.getFinishedSpans()) {
    const cc = span.attributes.cc === undefined ? "" : ` cc=${span.attributes.cc}`
    yield* Console.log(`span ${span.name}${cc} ${(span.duration[1] / 1e6).toFixed(1)} ms`)
  }
})

Effect.runPromise(
  program.pipe(
    Effect.provide(NodeFlagServer.layer()),
    Effect.provide(Layer.mergeAll(Telemetry, NodeContext.layer, NodeHttpClient.layerUndici))
  )
)
