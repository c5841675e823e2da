/**
 * The soak test: N downloads (SOAK_N; 2,000 in `npm test`, 20,000 in `npm run test:soak`) against
 * `flags serve` in its own process with 1 % mixed faults at concurrency 200. The heap after a full GC does not grow
 * from the first quarter to the last beyond 20 %, no file descriptor leaks, and the counts add up.
 */
import { readdirSync } from "node:fs"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { everyCode } from "../src/download/CountryCodes.js"
import { downloadStream } from "../src/download/Downloader.js"
import { defaultRequestOptions } from "../src/download/HttpGet.js"
import { startFlagsServe } from "./support/servers.js"

setFlagsFromString("--expose-gc")
const gc = runInNewContext("gc") as () => void
const retainedHeap = () => {
  gc()
  return process.memoryUsage().heapUsed
}
const openFiles = () => readdirSync("/proc/self/fd").length

const total = Number(process.env.SOAK_N ?? 2000)

describe("soak", () => {
  it.live(
    `${total} downloads with 1 % mixed faults at concurrency 200: flat memory, no fd leak, counts add up`,
    () =>
      Effect.gen(function* () {
        // the server in its own process, as `flags serve` runs: the client's memory and descriptors alone
        const faults = ["--error-rate", "0.002", "--throttle-rate", "0.002", "--reset-rate", "0.002"]
        const more = [
          "--truncate-rate",
          "0.002",
          "--stall-rate",
          "0.002",
          "--retry-after",
          "0",
          "--seed",
          "11"
        ]
        const server = yield* Effect.acquireRelease(
          Effect.promise(() => startFlagsServe(["--quiet", ...faults, ...more])),
          (server) => Effect.promise(() => server.stop())
        )
        const fs = yield* FileSystem.FileSystem
        const dest = yield* fs.makeTempDirectoryScoped()
        const codes = Array.from({ length: total }, (_, i) => everyCode[i % everyCode.length] ?? "AA")
        const quarter = Math.floor(total / 4)
        const heap: Array<number> = []
        const counts = { OK: 0, NOT_FOUND: 0, ERROR: 0, SKIPPED: 0, UNCHANGED: 0 }
        const fdsBefore = openFiles()
        let done = 0
        yield* downloadStream(
          codes,
          {
            ...defaultRequestOptions,
            // ends each stalled answer after a second; on a busy machine it may end a slow one too, an
            // ERROR the counts below allow: they prove memory, descriptors and arithmetic, not speed
            timeout: Duration.seconds(1),
            baseUrl: server.baseUrl,
            extension: "png",
            dest,
            names: false
          },
          { concurrency: 200 }
        ).pipe(
          Stream.runForEach((outcome) =>
            Effect.sync(() => {
              counts[outcome.status]++
              done++
              if (done === quarter || done === total) heap.push(retainedHeap())
            })
          ),
          Effect.provide(NodeHttpClient.layerUndici)
        )
        assert.strictEqual(counts.OK + counts.NOT_FOUND + counts.ERROR, total)
        assert.isAbove(counts.ERROR, 0, "faults were injected")
        const [first = 0, last = 0] = heap
        assert.isAtMost(
          last,
          first * 1.2,
          `heap ${Math.round(first / 1e6)} MB → ${Math.round(last / 1e6)} MB`
        )
        // the client's pool is closed with its layer: its release waits until each socket has closed
        assert.isAtMost(openFiles(), fdsBefore, "file descriptors leaked")
      }).pipe(Effect.scoped, Effect.provide(NodeContext.layer)),
    600_000
  )
})
