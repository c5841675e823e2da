/**
 * A smoothed rate and an ETA that do not jump on bursty progress. The rate is an exponential moving
 * average of the rate between progress events, weighted by time over a 15 s window (as indicatif
 * weights it, where tqdm weights each update) and bias-corrected (as tqdm's EMA is), so it neither depends on how
 * often it is sampled nor drifts towards zero between bursts. Between events the ETA counts down;
 * once the next event is overdue, the rate decays as the idle time grows, so a stall shows.
 */

/** An estimate: the last progress event and the weighted sums. */
export interface RateEstimator {
  /** When the count last moved (Clock milliseconds), and to what. */
  readonly at: number
  readonly done: number
  /** How much the last move was: the next is expected to be about as much. */
  readonly step: number
  readonly weighted: number
  readonly weight: number
}

/** The time constant of the average: a burst counts for about this long. */
const defaultWindowMs = 15_000

/** The next step is overdue (the task may be stuck) after this many times the usual wait for it. */
const overdueAfter = 3

/** An estimator that starts counting at `at` (Clock milliseconds) from `done`. */
export const start = (at: number, done = 0): RateEstimator => ({ at, done, step: 0, weighted: 0, weight: 0 })

/** The estimate once `done` is seen at `at`; a count going backwards starts over. */
export const sample = (
  self: RateEstimator,
  at: number,
  done: number,
  windowMs: number = defaultWindowMs
): RateEstimator => {
  if (done < self.done) return start(at, done)
  if (done === self.done) return self
  const dt = at - self.at
  const step = done - self.done
  if (dt <= 0) return { ...self, done, step: self.step + step }
  const alpha = 1 - Math.exp(-dt / windowMs)
  return {
    at,
    done,
    step,
    weighted: self.weighted * (1 - alpha) + (alpha * step * 1000) / dt,
    weight: self.weight * (1 - alpha) + alpha
  }
}

const average = (self: RateEstimator) => (self.weight > 0 ? self.weighted / self.weight : undefined)

// the next step is overdue once the average rate would have done it `overdueAfter` times over
const due = (self: RateEstimator) => overdueAfter * self.step
const overdue = (self: RateEstimator, perSecond: number, at: number) =>
  self.step > 0 && ((at - self.at) * perSecond) / 1000 > due(self)

/** Units per second at `at`; `undefined` before the count first moved. */
export const rate = (self: RateEstimator, at: number = self.at): number | undefined => {
  const perSecond = average(self)
  if (perSecond === undefined) return undefined
  // past due, the rate falls as if that much had just been done: continuous, and towards zero
  return overdue(self, perSecond, at) ? (due(self) * 1000) / (at - self.at) : perSecond
}

/** Milliseconds from `at` until `total`; `undefined` while the rate is unknown. */
export const eta = (self: RateEstimator, total: number, at: number = self.at): number | undefined => {
  const remaining = total - self.done
  if (remaining <= 0) return 0
  const perSecond = average(self)
  if (perSecond === undefined || perSecond <= 0) return undefined
  const idle = at - self.at
  const left = overdue(self, perSecond, at)
    ? ((remaining - due(self)) * idle) / due(self)
    : (remaining * 1000) / perSecond - idle
  return Math.max(0, left)
}
