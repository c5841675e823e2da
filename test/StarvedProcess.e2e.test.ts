/**
 * A deadline never expires for bytes that have already arrived. The test's own process is blocked for 5 s
 * (as a busy machine or a blocked event loop starves it) while a server in another process sends the
 * answer; the phase timeout is 1 s, and the download succeeds. Each moment is the server's word (over IPC,
 * and a file it writes once its answer is out), never a guess at the machine's speed.
 */
import { type ChildProcess, fork } from "node:child_process"
import { existsSync, readFileSync, rmSync } from "node:fs"
import { join } from "node:path"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import { downloadOne } from "../src/download/Downloader.js"
import * as HttpGet from "../src/download/HttpGet.js"
import * as CliHttpClient from "../src/node/NodeHttpClient.js"
import { tempDir } from "./support/cli.js"
import { eventually } from "./support/eventually.js"
import { seeingPhases } from "./support/phases.js"

const fixture = join(import.meta.dirname, "fixtures", "held-answer-server.mjs")
const flag = Buffer.from("a flag held back until the server is told to answer")

interface HeldServer {
  readonly baseUrl: string
  /** Waits until the server has said `step` ("request": it has the request, and holds its answer). */
  readonly heard: (step: string) => Effect.Effect<void>
  /** Tells the server to answer; done once the message is out of this process. */
  readonly answer: Effect.Effect<void>
  /** Whether the whole answer is out of the server (a synchronous check: it works while this process is blocked). */
  readonly answered: () => boolean
}

/** `test/fixtures/held-answer-server.mjs` holding back `held`, for the scope's life. */
const heldServer = (held: "response" | "body") =>
  Effect.gen(function* () {
    const dir = yield* Effect.acquireRelease(
      Effect.sync(() => tempDir("flags-starved-")),
      (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
    )
    const marker = join(dir, "answered")
    const steps: Array<string> = []
    // the waits on a step not said yet: each says whether it is over
    let waiting: Array<() => boolean> = []
    const child = yield* Effect.acquireRelease(
      Effect.sync(() =>
        fork(fixture, [held, marker, flag.toString()], {
          execArgv: [],
          stdio: ["ignore", "inherit", "inherit", "ipc"]
        })
      ),
      (child) => Effect.sync(() => child.kill())
    )
    const port = yield* Effect.async<number, Error>((resume) => {
      child.on("message", (message: { readonly step: string; readonly port?: number }) => {
        steps.push(message.step)
        if (message.port !== undefined) resume(Effect.succeed(message.port))
        waiting = waiting.filter((wait) => !wait())
      })
      child.once("exit", (code) => resume(Effect.fail(new Error(`the server exited with ${code}`))))
    })
    const server: HeldServer = {
      baseUrl: `http://127.0.0.1:${port}/flags`,
      heard: (step) =>
        Effect.async<void>((resume) => {
          const check = () => {
            if (!steps.includes(step)) return false
            resume(Effect.void)
            return true
          }
          if (!check()) waiting.push(check)
        }),
      answer: sendAnswer(child),
      answered: () => existsSync(marker)
    }
    return server
  })

const sendAnswer = (child: ChildProcess) =>
  Effect.async<void, Error>((resume) => {
    child.send("answer", (error) => resume(error === null ? Effect.void : Effect.fail(error)))
  }).pipe(Effect.orDie)

/**
 * Blocks this process's event loop, as a busy machine or a long synchronous task would, until `ms` have
 * passed and `done()` holds. A guard against a hang, not a budget: vitest's timeout cannot end a blocked
 * loop, so after 120 s it gives up (false), and a server that died is a failure, not a stuck worker.
 */
const starve = (ms: number, done: () => boolean) =>
  Effect.sync(() => {
    const cell = new Int32Array(new SharedArrayBuffer(4))
    const start = performance.now()
    for (;;) {
      const elapsed = performance.now() - start
      if (elapsed >= ms && done()) return true
      if (elapsed >= 120_000) return false
      Atomics.wait(cell, 0, 0, 10)
    }
  })

/** Downloads BR from `server` into a fresh folder with a 1 s phase timeout; its outcome and its file's bytes. */
const download = (server: HeldServer) =>
  Effect.gen(function* () {
    const dest = yield* Effect.acquireRelease(
      Effect.sync(() => tempDir()),
      (dest) => Effect.sync(() => rmSync(dest, { recursive: true, force: true }))
    )
    const config = {
      ...HttpGet.defaultRequestOptions,
      timeout: Duration.seconds(1),
      baseUrl: server.baseUrl,
      extension: "png",
      dest,
      names: false
    }
    const running = yield* Effect.fork(downloadOne("BR", config))
    const saved = () => readFileSync(join(dest, "BR.png"))
    return { running, saved }
  })

describe("a process starved of the CPU: its deadlines wait for what already arrived", () => {
  it.live(
    "the answer comes while the process is blocked for 5 s; the phase timeout is 1 s; it succeeds",
    () =>
      Effect.gen(function* () {
        const server = yield* heldServer("response")
        const { running, saved } = yield* download(server)
        yield* server.heard("request")
        yield* server.answer
        assert.isTrue(yield* starve(5000, server.answered), "the server sent its answer")
        const outcome = yield* Fiber.join(running)
        assert.strictEqual(outcome.status, "OK", outcome.error?.message)
        assert.deepStrictEqual(saved(), flag)
      }).pipe(Effect.scoped, Effect.provide(Layer.mergeAll(CliHttpClient.layer, NodeContext.layer)))
  )

  it.live(
    "the body's end comes while the process is blocked for 5 s; the phase timeout is 1 s; it succeeds",
    () => {
      const seen: Array<string> = []
      return Effect.gen(function* () {
        const server = yield* heldServer("body")
        const { running, saved } = yield* download(server)
        yield* server.heard("request")
        // the client has read the first bytes: it waits in the body phase for the rest
        yield* eventually(
          Effect.sync(() => seen.includes("bytes")),
          "the first body bytes read"
        )
        yield* server.answer
        assert.isTrue(yield* starve(5000, server.answered), "the server sent the rest")
        const outcome = yield* Fiber.join(running)
        assert.strictEqual(outcome.status, "OK", outcome.error?.message)
        assert.deepStrictEqual(saved(), flag)
      }).pipe(Effect.scoped, Effect.provide(Layer.mergeAll(seeingPhases(seen), NodeContext.layer)))
    }
  )
})
