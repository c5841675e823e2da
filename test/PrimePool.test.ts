/**
 * The pool on real worker threads (the project's worker, bundled from the sources): the book's fixture, one
 * queue shared by the threads, interruption that terminates busy threads, and workers that throw.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import * as TestClock from "effect/TestClock"
import { PrimeFixture, PrimePool, PrimeRunner } from "../src/index.js"
import * as NodePrimePool from "../src/node/NodePrimePool.js"
import { eventually } from "./support/eventually.js"
import { poolLayer, Threads } from "./support/workers.js"

const broken = new URL("./fixtures/BrokenPrimeWorker.ts", import.meta.url)
// 2^89 − 1, a prime beyond 2^64 (bigint arithmetic): some 10^13 candidates, a check that never ends here
const endless = 2n ** 89n - 1n

// Waits (real time, as long as it takes) until the threads have worked `ms` more than when it began:
// a check sent before is well under way in its thread, on an idle machine or a starved one
const underWay = (threads: Threads, ms = 100) =>
  Effect.suspend(() => {
    const from = threads.busyMs
    return eventually(
      Effect.sync(() => threads.busyMs - from >= ms),
      `${ms} ms of work in the threads`
    )
  })

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
            assert.strictEqual(threads.started.length, 1, "the pool's thread, started with the pool")
            const fiber = yield* Effect.fork(pool.check(endless))
            yield* underWay(threads)
            const exit = yield* Fiber.interrupt(fiber)
            assert.isTrue(Exit.isInterrupted(exit))
            // terminated: busy in the check, the thread would never have read a message
            assert.strictEqual(threads.alive, 0)
            // the slot gets a fresh thread, and answers
            assert.isTrue((yield* pool.check(1_000_003n)).prime)
            assert.strictEqual(threads.started.length, 2)
          }),
        { threads }
      )
    })
  )

  // These two run on the TestClock: the platform's own shutdown gives a busy thread 5 s of Effect's clock
  // to close, so a pool that waited for it (or for the check, which never ends) would never close here,
  // and vitest's timeout would fail the test.
  it.effect(
    "interrupting the pool's owner mid-check (Ctrl-C) leaves no thread, without waiting for the work",
    () =>
      Effect.gen(function* () {
        const threads = new Threads()
        const ready = yield* Deferred.make<void>()
        const fiber = yield* Effect.fork(
          withPool(
            2,
            (pool) =>
              Effect.zipRight(
                Deferred.succeed(ready, undefined),
                Effect.forEach([endless, endless, endless], pool.check, { concurrency: 2 })
              ),
            { threads }
          )
        )
        yield* Deferred.await(ready)
        assert.strictEqual(threads.started.length, 2)
        yield* underWay(threads, 200) // both checks, or one well under way
        const exit = yield* Fiber.interrupt(fiber)
        assert.isTrue(Exit.isInterrupted(exit))
        assert.strictEqual(threads.alive, 0)
      })
  )

  it.effect("closing the pool under a running check terminates the busy thread; the check fails typed", () =>
    Effect.gen(function* () {
      const threads = new Threads()
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(poolLayer(2, { threads }), scope)
      const pool = Context.get(context, PrimePool.PrimePool)
      assert.strictEqual(threads.started.length, 2)
      const checks = yield* Effect.fork(Effect.forEach([endless, 1_000_003n], pool.check, { concurrency: 2 }))
      yield* underWay(threads)
      yield* Scope.close(scope, Exit.void)
      assert.strictEqual(threads.alive, 0)
      const exit = yield* Fiber.await(checks)
      const failure = Exit.isFailure(exit) ? Cause.failureOption(exit.cause) : Option.none()
      assert.strictEqual(Option.getOrUndefined(failure)?._tag, "PrimeCheckFailed")
    })
  )

  it.effect("threads that cannot start fail the pool (no worker file, or one that throws as it loads)", () =>
    Effect.gen(function* () {
      const missing = yield* Effect.flip(
        Layer.build(
          NodePrimePool.layer({ size: 2, url: new URL("./no-such-worker.js", import.meta.url) })
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
      yield* eventually(
        Effect.sync(() => threads.alive === 0),
        "the failed threads' exits"
      )
      // and the pool stopped respawning them (the platform retries a failed thread every second of
      // Effect's clock): ten of those seconds later, not one more thread
      const spawned = threads.started.length
      yield* TestClock.adjust("10 seconds")
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
