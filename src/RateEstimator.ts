/**
 * A smoothed rate and an ETA that do not jump on bursty progress: an exponential moving average of
 * the rate, weighted by time rather than by sample (as indicatif does, where tqdm weights each
 * update), so the estimate does not depend on how often it is sampled, and bias-corrected (as
 * tqdm's EMA is) so the first seconds are not dragged towards zero.
 */

/** An estimate: the last sample and the weighted sums. */
export interface RateEstimator {
  readonly at: number
  readonly done: number
  readonly weighted: number
  readonly weight: number
}

/** The time constant of the average: a burst counts for about this long. */
export const defaultWindowMs = 5000

/** An estimator that starts counting at `at` (Clock milliseconds) from `done`. */
export const start = (at: number, done = 0): RateEstimator => ({ at, done, weighted: 0, weight: 0 })

/** The estimate after `done` has been reached at `at`; a count going backwards starts over. */
export const sample = (
  self: RateEstimator,
  at: number,
  done: number,
  windowMs: number = defaultWindowMs
): RateEstimator => {
  if (done < self.done) return start(at, done)
  const dt = at - self.at
  if (dt <= 0) return self
  const instant = ((done - self.done) * 1000) / dt
  const alpha = 1 - Math.exp(-dt / windowMs)
  return {
    at,
    done,
    weighted: self.weighted * (1 - alpha) + alpha * instant,
    weight: self.weight * (1 - alpha) + alpha
  }
}

/** Units per second, or `undefined` before the first sample that covers some time. */
export const rate = (self: RateEstimator): number | undefined =>
  self.weight > 0 ? self.weighted / self.weight : undefined

/** Milliseconds until `total` at the smoothed rate; `undefined` while the rate is unknown or zero. */
export const eta = (self: RateEstimator, total: number): number | undefined => {
  const perSecond = rate(self)
  if (perSecond === undefined || perSecond <= 0) return total <= self.done ? 0 : undefined
  return (Math.max(0, total - self.done) * 1000) / perSecond
}
