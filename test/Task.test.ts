import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Stream from "effect/Stream"
import { Renderer } from "../src/terminal/Renderer.js"
import { trackStream, useTask, withTask } from "../src/terminal/Task.js"
import { onScreen } from "./support/renderer.js"

class Refused extends Data.TaggedError("Refused")<{}> {
  override get message() {
    return "connection refused"
  }
}

// runs `program` with the renderer in the context, in plain mode, and returns what it wrote
const plainly = <A, E>(program: Effect.Effect<A, E, Renderer>) =>
  Effect.gen(function* () {
    const { screen, at, fiber } = yield* onScreen({ isTTY: false }, (renderer) =>
      Effect.exit(Effect.provideService(program, Renderer, renderer))
    )
    yield* at(60_000)
    return { exit: yield* Fiber.join(fiber), output: yield* screen.output }
  })

describe("withTask, useTask, trackStream", () => {
  it.effect("withTask: the value and the typed error pass through; the final line says which", () =>
    Effect.gen(function* () {
      const ok = yield* plainly(Effect.as(Effect.sleep("2 seconds"), 42).pipe(withTask("answer")))
      assert.deepStrictEqual(ok.exit, Exit.succeed(42))
      assert.strictEqual(ok.output, "✔ answer\n")
      const failed = yield* plainly(withTask(Effect.fail(new Refused()), "connect"))
      assert.deepStrictEqual(failed.exit, Exit.fail(new Refused()))
      assert.strictEqual(failed.output, "✖ connect: connection refused\n")
    })
  )

  it.effect("useTask: the effect advances its own bar", () =>
    Effect.gen(function* () {
      const { output } = yield* plainly(
        useTask("count", { total: 4 }, (task) =>
          Effect.repeatN(Effect.zipRight(Effect.sleep("1 second"), task.advance), 3)
        )
      )
      assert.strictEqual(
        output,
        "count 75% 3/4 [00:03<00:01, 1.00it/s]\n✔ count 100% 4/4 [00:04, 1.00it/s]\n"
      )
    })
  )

  it.effect(
    "trackStream: counts each element (or its weight in bytes) against the total, ends with the stream",
    () =>
      Effect.gen(function* () {
        const chunks = Stream.fromIterable([1, 2, 3, 4, 5]).pipe(
          Stream.map((n) => new Uint8Array(n * 1024)),
          Stream.tap(() => Effect.sleep("1 second"))
        )
        const { exit, output } = yield* plainly(
          Stream.runCollect(
            trackStream(chunks, "body", { total: 15 * 1024, unit: "bytes", weight: (c) => c.length })
          )
        )
        assert.isTrue(Exit.isSuccess(exit) && Chunk.size(exit.value) === 5)
        assert.strictEqual(
          output,
          "body 40% 6.0 KiB/15.0 KiB [00:03<00:04, 2.0 KiB/s]\n✔ body 100% 15.0 KiB/15.0 KiB [00:05, 3.0 KiB/s]\n"
        )
        const broken = yield* plainly(
          Stream.runDrain(
            Stream.concat(Stream.make(1, 2), Stream.fail(new Refused())).pipe(trackStream("items"))
          )
        )
        assert.deepStrictEqual(broken.exit, Exit.fail(new Refused()))
        assert.strictEqual(broken.output, "✖ items: connection refused\n")
      })
  )
})
