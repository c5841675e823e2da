/**
 * The pool on real worker threads (the project's worker, run through tsx): the book's fixture, one
 * queue shared by the threads, interruption that terminates busy threads, and workers that throw.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import { PrimeFixture, PrimePool, PrimeRunner } from "../src/index.js"
import { eventually, realTick } from "./support/eventually.js"
import { poolLayer, Threads } from "./support/workers.js"

const broken = new URL("./fixtures/BrokenPrimeWorker.ts", import.meta.url)
// the largest prime below 2^64: 2^31 candidates, seconds of work for a thread
const huge = 18_446_744_073_709_551_557n

const withPool = <A, E>(
  size: number,
  use: (pool: PrimePool.PrimePoolService) => Effect.Effect<A, E>,
  options: { readonly entry?: URL; readonly threads?: Threads } = {}
) => Effect.flatMap(PrimePool.PrimePool, use).pipe(Effect.provide(poolLayer(size, options)))

describe("PrimePool", () => {
  it.live("checks the book's fixture, every answer as the book's, in worker threads", () =>
    withPool(2, (pool) =>
      Effect.forEach(
        PrimeFixture.fixture,
        ({ n, prime }) =>
          Effect.map(pool.check(n), (result) => {
            assert.strictEqual(result.n, n)
            assert.strictEqual(result.prime, prime, String(n))
            assert.notStrictEqual(result.thread, 0, "checked in the main thread")
          }),
        { concurrency: 2 }
      )
    )
  )

  it.live("the worker runner answers through the pool", () =>
    Effect.gen(function* () {
      assert.isTrue(yield* PrimeRunner.worker(PrimeFixture.spinnerNumber))
      assert.isFalse(yield* PrimeRunner.worker(PrimeFixture.spinnerNumber + 2n))
    }).pipe(Effect.provide(poolLayer(1)))
  )

  it.live("interrupting a check mid-way terminates its thread; the pool serves the next check", () =>
    Effect.gen(function* () {
      const threads = new Threads()
      yield* withPool(
        1,
        (pool) =>
          Effect.gen(function* () {
            const fiber = yield* Effect.fork(pool.check(huge))
            yield* eventually(
              Effect.sync(() => threads.started.length === 1),
              "a thread started"
            )
            for (let i = 0; i < 50; i++) yield* realTick // the check is well under way
            const exit = yield* Fiber.interrupt(fiber)
            assert.isTrue(Exit.isInterrupted(exit))
            // terminated: the check would have taken seconds more
            assert.strictEqual(threads.alive, 0)
            // the slot gets a fresh thread (a second later) and answers
            assert.isTrue((yield* pool.check(1_000_003n)).prime)
            assert.strictEqual(threads.started.length, 2)
          }),
        { threads }
      )
    })
  )

  it.live(
    "interrupting the pool's owner mid-check (Ctrl-C) leaves no thread, without waiting for the work",
    () =>
      Effect.gen(function* () {
        const threads = new Threads()
        const fiber = yield* Effect.fork(
          withPool(2, (pool) => Effect.forEach([huge, huge, huge], pool.check, { concurrency: 2 }), {
            threads
          })
        )
        yield* eventually(
          Effect.sync(() => threads.started.length === 2),
          "two threads started"
        )
        for (let i = 0; i < 50; i++) yield* realTick
        const started = Date.now()
        yield* Fiber.interrupt(fiber)
        assert.strictEqual(threads.alive, 0)
        // two checks of 2^31 candidates take several seconds each
        assert.isBelow(Date.now() - started, 2_000)
      })
  )

  it.live("closing the pool under a running check terminates the busy thread; the check fails typed", () =>
    Effect.gen(function* () {
      const threads = new Threads()
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(poolLayer(2, { threads }), scope)
      const pool = Context.get(context, PrimePool.PrimePool)
      const checks = yield* Effect.fork(Effect.forEach([huge, 1_000_003n], pool.check, { concurrency: 2 }))
      yield* eventually(
        Effect.sync(() => threads.started.length === 2),
        "two threads started"
      )
      for (let i = 0; i < 50; i++) yield* realTick
      const started = Date.now()
      yield* Scope.close(scope, Exit.void)
      // the pool's own shutdown asks each thread to close and gives a busy one 5 s to do so
      assert.isBelow(Date.now() - started, 4_000)
      assert.strictEqual(threads.alive, 0)
      const exit = yield* Fiber.await(checks)
      const failure = Exit.isFailure(exit) ? Cause.failureOption(exit.cause) : Option.none()
      assert.strictEqual(Option.getOrUndefined(failure)?._tag, "PrimeCheckFailed")
    })
  )

  it.live("threads that cannot start fail the pool (no worker file, or one that throws as it loads)", () =>
    Effect.gen(function* () {
      const missing = yield* Effect.flip(
        Layer.build(
          PrimePool.layerNode({ size: 2, url: new URL("./no-such-worker.js", import.meta.url) })
        ).pipe(Effect.scoped)
      )
      assert.strictEqual(missing._tag, "PrimePoolError")
      assert.match(missing.message, /^the prime workers could not start: .*no-such-worker\.js/)
      const threads = new Threads()
      const unloadable = yield* Effect.flip(
        Layer.build(
          poolLayer(2, { entry: new URL("./fixtures/UnloadablePrimeWorker.ts", import.meta.url), threads })
        ).pipe(Effect.scoped)
      )
      assert.match(unloadable.message, /this worker cannot load/)
      // and the pool stopped respawning them (it retries a failed thread every second)
      const spawned = threads.started.length
      yield* Effect.sleep("1500 millis")
      assert.strictEqual(threads.started.length, spawned)
      assert.strictEqual(threads.alive, 0)
    })
  )

  it.live("a worker that throws, or whose thread dies, is a typed failure of that number only", () =>
    withPool(
      2,
      (pool) =>
        Effect.gen(function* () {
          const [ok, thrown, crashed, refused] = yield* Effect.forEach(
            [7919n, 13n, 17n, 19n],
            (n) => Effect.either(pool.check(n)),
            { concurrency: 2 }
          )
          assert.isTrue(ok?._tag === "Right" && ok.right.prime)
          for (const [outcome, n, reason] of [
            [thrown, 13n, /the worker died: Error: boom/],
            [crashed, 17n, /crash|exited/],
            [refused, 19n, /^refused$/]
          ] as const) {
            assert.strictEqual(outcome?._tag, "Left", String(n))
            if (outcome?._tag === "Left") {
              assert.strictEqual(outcome.left._tag, "PrimeCheckFailed")
              assert.strictEqual(outcome.left.n, n)
              assert.match(outcome.left.reason, reason)
            }
          }
          // the pool still answers after a thread died
          assert.isFalse((yield* pool.check(7921n)).prime)
        }),
      { entry: broken }
    )
  )
})
