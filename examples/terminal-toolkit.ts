/**
 * Three tasks at once on one renderer — two downloads in bytes and a count of flags, each with its
 * bar, smoothed rate and ETA — and log lines printed above them. Run:
 *   npm run example -- terminal-toolkit                     (a live region on a terminal)
 *   npm run example -- terminal-toolkit | cat               (plain lines, as a CI log shows it)
 *   PROGRESS=json npm run example -- terminal-toolkit       (NDJSON events)
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Random from "effect/Random"
import { OutputMode, Renderer, RendererLogger, useTask } from "effect-flags"

// A download of `size` bytes arriving in chunks of uneven size and pace.
const download = (name: string, size: number) =>
  useTask(name, { total: size, unit: "bytes" }, (task) =>
    Effect.gen(function* () {
      for (let done = 0; done < size; ) {
        yield* Effect.sleep(yield* Random.nextIntBetween(20, 120))
        const chunk = Math.min(size - done, yield* Random.nextIntBetween(16_384, 131_072))
        yield* task.advanceBy(chunk)
        done += chunk
      }
    })
  )

// 48 flags, 8 at a time; each one in flight shows in the `waiting:` line until it is done.
const flags = useTask("flags", { total: 48 }, (task) =>
  Effect.forEach(
    Array.from({ length: 48 }, (_, i) => `F${i}`),
    (key) =>
      Effect.gen(function* () {
        yield* task.itemStarted(key)
        yield* Effect.sleep(yield* Random.nextIntBetween(50, 900))
        yield* task.itemEnded(key)
      }),
    { concurrency: 8, discard: true }
  )
)

const program = Effect.gen(function* () {
  yield* Effect.log("starting three tasks")
  yield* Effect.all(
    [
      download("debian.iso", 4 * 1024 * 1024),
      download("flags.zip", 1536 * 1024),
      Effect.zipRight(flags, Effect.log("every flag is in"))
    ],
    { concurrency: "unbounded" }
  )
  // a seeded Random: the same chunks and delays every run, so the screen at the end is always this one
}).pipe(Effect.withRandom(Random.make(7)))

// The renderer owns the terminal (here stdout); PROGRESS=auto|live|plain|json|none overrides the
// mode the environment implies; Effect.log goes through it, above the bars.
const renderer = Layer.unwrapEffect(
  Effect.map(OutputMode.choice("PROGRESS"), (mode) => Renderer.layer({ mode }))
)

NodeRuntime.runMain(
  program.pipe(
    Effect.provide(
      RendererLogger.layerLogger().pipe(Layer.provideMerge(renderer), Layer.provide(NodeTerminal.layer))
    )
  )
)
