/**
 * One timer for every request in flight: a single fiber on Effect's `Clock` sleeps until the earliest
 * deadline and expires what is due. Racing a sleep against each request (`Effect.timeout`) forked two
 * fibers and armed a timer per request, about a third of the CPU of a download (measured).
 * The watches are kept in `deadlineLanes`' lists, one per timeout.
 *
 * A deadline never expires for bytes that have already arrived. A process starved of the CPU (a blocked
 * event loop, a busy machine) runs the sweep, in Node's timers phase, before the poll phase reads what
 * its sockets received meanwhile: a timeout then would be ours, not the server's. So a sweep that finds
 * a deadline come first lets the event loop read (`ioTurn`), then expires only what was due before that
 * turn and still is.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Scheduler from "effect/Scheduler"
import type * as Scope from "effect/Scope"
import { Tracker } from "../RequestPhases.js"
import { type Expired, Lane, Watch } from "./deadlineLanes.js"

export type { Expired } from "./deadlineLanes.js"

// Effect's timer scheduler (a `setTimeout(0)` per task): two hops through it hold a whole poll phase,
// whichever phase the sweep ran in (a hop taken in a timers phase lands in the next iteration's).
// A task of its own, not `yieldNow` on it, which is a no-op where cooperative yielding is turned off.
const timers = Scheduler.timer(0)
const hop = Effect.async<void>((resume) => timers.scheduleTask(() => resume(Effect.void), 0))
/** A turn of the event loop that includes its poll phase, where Node reads what sockets received. */
const ioTurn = Effect.zipRight(hop, hop)

/** The deadlines of one batch of requests. */
export interface Deadlines {
  /**
   * Runs `self` in a fiber of its own, failing with `onTimeout(phase)` when a phase (restarted by the
   * `Tracker` in its context, which `self`'s client may drive) outlasts `timeoutMs`.
   * With `fixed`, the deadline is not restarted by phases: a limit on the whole of `self`.
   */
  readonly watch: <A, E, R, E2>(
    self: Effect.Effect<A, E, R>,
    timeoutMs: number,
    onTimeout: (phase: Expired) => E2,
    options?: { readonly fixed?: boolean; readonly inPlace?: boolean }
  ) => Effect.Effect<A, E | E2, R>
}

/** Starts the deadline fiber for the life of the scope. */
export const make: Effect.Effect<Deadlines, never, Scope.Scope> = Effect.gen(function* () {
  const clock = yield* Effect.clock
  const lanes = new Map<number, Lane>()
  // the sweeper's next deadline, and how a watch armed earlier than it wakes the sweeper
  let target: number | undefined
  let signalled = false
  let wake: (() => void) | undefined
  const signal = () => {
    signalled = true
    const resume = wake
    wake = undefined
    resume?.()
  }
  const woken = Effect.async<void>((resume) => {
    if (signalled) return resume(Effect.void)
    wake = () => resume(Effect.void)
    return Effect.sync(() => {
      wake = undefined
    })
  })

  /** The earliest deadline of all (each lane's head is its earliest). */
  const earliestDeadline = () => {
    let earliest: number | undefined
    for (const lane of lanes.values()) {
      if (lane.head !== undefined && (earliest === undefined || lane.head.deadline < earliest)) {
        earliest = lane.head.deadline
      }
    }
    return earliest
  }

  /** Expires the watches due by `before`; one restarted since (bytes read in the turn) is no longer due. */
  const expireDue = (before: number) => {
    for (const lane of lanes.values()) {
      while (lane.head !== undefined && lane.head.deadline <= before) {
        const due = lane.head
        due.end()
        due.expire(due.phase)
      }
    }
  }

  const sweep = (): Effect.Effect<never> =>
    Effect.suspend(() => {
      signalled = false
      const now = clock.unsafeCurrentTimeMillis()
      const earliest = earliestDeadline()
      // something is due (rare): the event loop reads pending I/O first, then what is still due expires
      if (earliest !== undefined && earliest <= now) {
        return Effect.zipRight(
          ioTurn,
          Effect.suspend(() => {
            expireDue(now)
            return sweep()
          })
        )
      }
      target = earliest
      const wait =
        earliest === undefined ? woken : Effect.raceFirst(clock.sleep(Duration.millis(earliest - now)), woken)
      return Effect.flatMap(wait, sweep)
    })
  yield* Effect.forkScoped(sweep())

  // a watch armed earlier than the sweeper sleeps to (or while it sleeps with nothing to watch) wakes it
  const armed = (watch: Watch) => {
    if (target === undefined || watch.deadline < target) signal()
  }
  const laneOf = (timeoutMs: number) => {
    let lane = lanes.get(timeoutMs)
    if (lane === undefined) {
      lane = new Lane(timeoutMs, clock, armed)
      lanes.set(timeoutMs, lane)
    }
    return lane
  }

  const watch: Deadlines["watch"] = <A, E, R, E2>(
    self: Effect.Effect<A, E, R>,
    timeoutMs: number,
    onTimeout: (phase: Expired) => E2,
    options?: { readonly fixed?: boolean; readonly inPlace?: boolean }
  ): Effect.Effect<A, E | E2, R> => {
    const fixed = options?.fixed === true
    if (options?.inPlace === true && !fixed) return watchInPlace(self, timeoutMs, onTimeout)
    return Effect.uninterruptibleMask((restore) => {
      const lane = laneOf(timeoutMs)
      let timedOut: ((phase: Expired) => void) | undefined
      const entry = new Watch(lane, fixed ? "total" : "response", (phase) => timedOut?.(phase))
      // a fixed deadline leaves the phases of what it runs to their own watches
      const run = fixed ? self : Effect.provideService(self, Tracker, entry)
      return Effect.flatMap(Effect.fork(restore(run)), (child) =>
        restore(
          Effect.async<A, E | E2>((resume) => {
            const onChild = (exit: Exit.Exit<A, E>) => {
              entry.end()
              resume(exit)
            }
            timedOut = (phase) => {
              child.removeObserver(onChild)
              resume(Effect.zipRight(Fiber.interrupt(child), Effect.fail(onTimeout(phase))))
            }
            lane.arm(entry)
            child.addObserver(onChild)
            return Effect.suspend(() => {
              entry.end()
              child.removeObserver(onChild)
              return Fiber.interrupt(child)
            })
          })
        )
      )
    })
  }

  /**
   * `self` in the caller's fiber, for a client that stops its own wait when told (`Reporting.stopsOnTimeout`):
   * when a phase runs out, the client's stop makes `self` fail, and that failure is the timeout's.
   */
  const watchInPlace = <A, E, R, E2>(
    self: Effect.Effect<A, E, R>,
    timeoutMs: number,
    onTimeout: (phase: Expired) => E2
  ): Effect.Effect<A, E | E2, R> =>
    Effect.suspend(() => {
      const lane = laneOf(timeoutMs)
      let expired: Expired | undefined
      const entry = new Watch(lane, "response", (phase) => {
        expired = phase
        entry.stop?.()
      })
      lane.arm(entry)
      return Effect.provideService(self, Tracker, entry).pipe(
        Effect.onExit(() => Effect.sync(() => entry.end())),
        Effect.catchAll((error) => Effect.fail(expired === undefined ? error : onTimeout(expired)))
      )
    })

  return { watch }
})

/** Runs `use` with a batch's deadlines, or with a fresh set for this call alone. */
export const withDeadlines = <A, E, R>(
  deadlines: Deadlines | undefined,
  use: (deadlines: Deadlines) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> =>
  deadlines !== undefined ? use(deadlines) : Effect.scoped(Effect.flatMap(make, use))
