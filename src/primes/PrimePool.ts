/**
 * A pool of worker threads that check primes: `@effect/platform`'s `Worker` pool over the
 * `CheckPrime` protocol, one check per thread at a time, callers queued in order. Interrupting a
 * check terminates the thread running it: a thread busy in the loop cannot read the message asking
 * it to stop, so the pool's own shutdown would wait up to 5 s for it (the pool then starts a fresh
 * thread in that slot). Unlike Python's threads, the work really stops.
 */
import * as Worker from "@effect/platform/Worker"
import { isWorkerError, type WorkerError } from "@effect/platform/WorkerError"
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import type * as Scope from "effect/Scope"
import { CheckPrime, PrimeCheckFailed, type PrimeResult } from "./PrimeCheck.js"

/** A running pool of prime workers. */
export interface PrimePoolService {
  /** How many worker threads check at once. */
  readonly size: number
  /** Checks `n` in the next free worker; a worker that throws or dies fails this check only. */
  readonly check: (n: bigint) => Effect.Effect<PrimeResult, PrimeCheckFailed>
}

/** The pool of prime workers, for the layer's lifetime. */
export class PrimePool extends Context.Tag("effect-flags/PrimePool")<PrimePool, PrimePoolService>() {}

interface Terminable {
  readonly terminate: () => unknown
}
const isTerminable = (worker: unknown): worker is Terminable =>
  typeof worker === "object" &&
  worker !== null &&
  "terminate" in worker &&
  typeof worker.terminate === "function"

type Failure = PrimeCheckFailed | WorkerError | ParseResult.ParseError

// The pool's decoder reads every failure as an encoded PrimeCheckFailed, so a dead thread's
// WorkerError reaches us wrapped in the ParseError of that reading.
const workerErrorOf = (error: Failure): WorkerError | undefined => {
  if (isWorkerError(error)) return error
  if (error._tag === "ParseError" && "actual" in error.issue && isWorkerError(error.issue.actual)) {
    return error.issue.actual
  }
  return undefined
}

// Any way a check can end without an answer becomes that number's typed failure. Interruption of the
// caller never gets here (it is not caught); an interruption from the worker's side does.
const failed =
  (n: bigint) =>
  (cause: Cause.Cause<Failure>): Effect.Effect<never, PrimeCheckFailed> => {
    const failure = Cause.failureOption(cause)
    if (Option.isSome(failure)) {
      const error = failure.value
      if (error._tag === "PrimeCheckFailed") return Effect.fail(error)
      const dead = workerErrorOf(error)
      const reason = dead === undefined ? error.message : `the worker's thread died: ${String(dead.cause)}`
      return Effect.fail(new PrimeCheckFailed({ n, reason }))
    }
    const reason = Cause.isInterruptedOnly(cause)
      ? "the worker stopped the check"
      : `the worker died: ${String(Cause.squash(cause))}`
    return Effect.fail(new PrimeCheckFailed({ n, reason }))
  }

/** The pool's threads could not start (no worker file where the spawner points, or one that throws as it loads). */
export class PrimePoolError extends Data.TaggedError("PrimePoolError")<{ readonly cause: unknown }> {
  override get message() {
    return `the prime workers could not start: ${this.cause instanceof Error ? this.cause.message : String(this.cause)}`
  }
}

interface Emitter {
  readonly once: (event: string, listener: (value: unknown) => void) => unknown
}
const isEmitter = (thread: unknown): thread is Emitter =>
  typeof thread === "object" && thread !== null && "once" in thread && typeof thread.once === "function"

/**
 * Starts `size` prime workers for the scope's lifetime, with the platform's `Worker.Spawner` (e.g.
 * `NodePrimePool.layer` from `effect-flags/node`); closing the scope terminates threads still busy.
 */
export const make = (options: {
  readonly size: number
}): Effect.Effect<PrimePoolService, PrimePoolError, Worker.WorkerManager | Worker.Spawner | Scope.Scope> =>
  Effect.gen(function* () {
    if (!Number.isInteger(options.size) || options.size < 1) {
      return yield* Effect.dieMessage(`PrimePool.make: size must be a whole number ≥ 1, got ${options.size}`)
    }
    const spawn = yield* Worker.Spawner
    // the thread serving each worker id, and the ids with a check in flight
    const threads = new Map<number, Terminable>()
    const busy = new Set<number>()
    const terminate = (id: number) =>
      Effect.promise(async () => {
        const thread = threads.get(id)
        threads.delete(id)
        await thread?.terminate()
      }).pipe(Effect.ignore)
    // The platform respawns a thread that fails every second, forever, and its pool waits for the
    // first one to be ready without letting itself be interrupted: a thread that fails before the
    // pool is ready fails the pool instead (the pool's own wait is left to end as the scope closes).
    const startup = yield* Deferred.make<never, PrimePoolError>()
    const failStartup = (cause: unknown) =>
      Deferred.unsafeDone(startup, Exit.fail(new PrimePoolError({ cause })))
    const pool = yield* Worker.makePoolSerialized<CheckPrime>({ size: options.size }).pipe(
      Effect.provideService(Worker.Spawner, (id) => {
        const thread = spawn(id)
        if (isTerminable(thread)) threads.set(id, thread)
        if (isEmitter(thread)) {
          thread.once("error", failStartup)
          thread.once("exit", (code) => failStartup(new Error(`the worker exited with code ${code}`)))
        }
        return thread
      }),
      Effect.mapError((cause) => new PrimePoolError({ cause })),
      // a terminated or crashed thread is a typed failure of its check; the pool's own warning
      // about it would only be noise on the CLI's stdout
      Logger.withMinimumLogLevel(LogLevel.Error),
      Effect.disconnect,
      Effect.raceFirst(Deferred.await(startup))
    )
    // runs before the pool's own shutdown, which would wait for a busy thread
    yield* Effect.addFinalizer(() => Effect.forEach([...busy], terminate, { discard: true }))
    const check = (n: bigint): Effect.Effect<PrimeResult, PrimeCheckFailed> =>
      Effect.scoped(
        Effect.flatMap(pool.backing.get, (worker) => {
          // a worker whose check was interrupted is busy for nothing, and one whose thread died is
          // respawning: the pool replaces either with a fresh worker
          const retire = Effect.zipRight(pool.backing.invalidate(worker), terminate(worker.id))
          return Effect.sync(() => busy.add(worker.id)).pipe(
            Effect.zipRight(worker.executeEffect(new CheckPrime({ n }))),
            Effect.onInterrupt(() => retire),
            Effect.tapError((error) => (workerErrorOf(error) === undefined ? Effect.void : retire)),
            Effect.ensuring(Effect.sync(() => busy.delete(worker.id)))
          )
        })
      ).pipe(Effect.catchAllCause(failed(n)))
    return { size: options.size, check }
  })

/** The pool as a layer, on any platform's workers (`Worker.WorkerManager` and `Worker.Spawner`). */
export const layer = (options: {
  readonly size: number
}): Layer.Layer<PrimePool, PrimePoolError, Worker.WorkerManager | Worker.Spawner> =>
  Layer.scoped(PrimePool, make(options))
