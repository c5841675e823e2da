/**
 * The lists `deadlines` keeps: watches sharing one timeout in deadline order (a restarted phase moves
 * to the end), so arming, restarting and ending a watch are O(1) and the earliest deadline is a head.
 */
import type * as Clock from "effect/Clock"
import type { Phase, PhaseTracker } from "../RequestPhases.js"

/** What ran out: a phase of one attempt, or the deadline of a whole download. */
export type Expired = Phase | "total"

/** One request's deadline: its phase, restarted as the phase changes or body bytes arrive. */
export class Watch implements PhaseTracker {
  previous: Watch | undefined = undefined
  next: Watch | undefined = undefined
  deadline = 0
  active = true
  /** Waiting for its turn (`queue`): out of its lane, no deadline running. */
  queued = false
  stop: (() => void) | undefined = undefined
  constructor(
    readonly lane: Lane,
    public phase: Expired,
    readonly expire: (phase: Expired) => void
  ) {}
  enter(phase: Phase): void {
    if (!this.active) return
    this.phase = phase
    if (this.queued) {
      this.queued = false
      this.lane.arm(this)
    } else this.lane.restart(this)
  }
  queue(): void {
    if (!this.active || this.queued) return
    this.queued = true
    this.lane.remove(this)
  }
  /** Stops watching; false if it had already ended (expired, or ended before). */
  end(): boolean {
    if (!this.active) return false
    this.active = false
    if (!this.queued) this.lane.remove(this)
    return true
  }
  progress(): void {
    // an ended watch is in no lane: restarting it would corrupt the one it left
    if (!this.active) return
    if (this.phase === "body") this.lane.restart(this)
    else this.enter("body")
  }
  onTimeout(stop: () => void): void {
    this.stop = stop
  }
}

/** Watches sharing one timeout, earliest deadline first. */
export class Lane {
  head: Watch | undefined = undefined
  tail: Watch | undefined = undefined
  constructor(
    readonly timeoutMs: number,
    readonly clock: Clock.Clock,
    /** Called with each watch armed, so that the sweeper wakes for one earlier than it sleeps to. */
    readonly armed: (watch: Watch) => void
  ) {}
  /** Starts `watch`'s deadline from now. */
  arm(watch: Watch): void {
    this.append(watch)
    this.armed(watch)
  }
  append(watch: Watch): void {
    watch.deadline = this.clock.unsafeCurrentTimeMillis() + this.timeoutMs
    watch.previous = this.tail
    watch.next = undefined
    if (this.tail === undefined) this.head = watch
    else this.tail.next = watch
    this.tail = watch
  }
  remove(watch: Watch): void {
    if (watch.previous === undefined) this.head = watch.next
    else watch.previous.next = watch.next
    if (watch.next === undefined) this.tail = watch.previous
    else watch.next.previous = watch.previous
    watch.previous = watch.next = undefined
  }
  restart(watch: Watch): void {
    if (watch !== this.tail) {
      this.remove(watch)
      this.append(watch)
    } else watch.deadline = this.clock.unsafeCurrentTimeMillis() + this.timeoutMs
  }
}
