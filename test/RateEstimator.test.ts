import { assert, describe, it } from "@effect/vitest"
import * as RateEstimator from "../src/terminal/RateEstimator.js"

// Samples an estimator every `everyMs` up to `untilMs`, progress given by `doneAt(t)`
const sampled = (doneAt: (ms: number) => number, everyMs: number, untilMs: number, total = 1000) => {
  const estimates: Array<{ at: number; rate: number | undefined; eta: number | undefined }> = []
  let estimator = RateEstimator.start(0)
  for (let at = everyMs; at <= untilMs; at += everyMs) {
    estimator = RateEstimator.sample(estimator, at, doneAt(at))
    estimates.push({
      at,
      rate: RateEstimator.rate(estimator, at),
      eta: RateEstimator.eta(estimator, total, at)
    })
  }
  return estimates
}

describe("RateEstimator", () => {
  it("a steady rate is the rate, and its ETA the time left", () => {
    const last = sampled((ms) => Math.floor(ms / 100), 100, 5000).at(-1)
    assert.closeTo(last?.rate ?? 0, 10, 1e-9)
    assert.closeTo(last?.eta ?? 0, ((1000 - 50) / 10) * 1000, 1e-6)
  })

  it("bursty progress (10 at once every second): the rate stays 10/s and the ETA counts down without a jump", () => {
    const burst = (ms: number) => 10 * Math.floor(ms / 1000)
    const estimates = sampled(burst, 100, 20_000).filter((e) => e.at >= 1000)
    for (const { rate } of estimates) assert.closeTo(rate ?? 0, 10, 1e-9)
    for (let i = 1; i < estimates.length; i++) {
      const [before, now] = [estimates[i - 1]?.eta ?? 0, estimates[i]?.eta ?? 0]
      assert.closeTo(now, before - 100, 1e-6, `t=${estimates[i]?.at}: ${before} → ${now}`)
    }
    // what an unsmoothed rate over each 100 ms would have shown: 0 or 100 a second
    const naive = estimates.map(({ at }) => (burst(at) - burst(at - 100)) * 10)
    assert.deepStrictEqual(
      [...new Set(naive)].sort((a, b) => a - b),
      [0, 100]
    )
  })

  it("irregular bursts: the ETA stays near the time actually left and never leaps", () => {
    // bursts of 5 to 15 items at uneven moments (some 137 ms apart, some 1.9 s), 10 a second on average
    const bursts = Array.from({ length: 60 }, (_, i) => ({
      at: i * 1000 + ((i * 37) % 900),
      size: 5 + ((i * 7) % 11)
    }))
    const total = bursts.reduce((sum, b) => sum + b.size, 0)
    const doneAt = (ms: number) => bursts.filter((b) => b.at <= ms).reduce((sum, b) => sum + b.size, 0)
    const finished = bursts.at(-1)?.at ?? 0
    const middle = sampled(doneAt, 100, finished, total).filter(
      (e) => e.at >= 10_000 && e.at <= finished - 10_000
    )
    for (const [i, { at, eta }] of middle.entries()) {
      assert.closeTo(eta ?? 0, finished - at, 0.2 * (finished - at), `t=${at}`)
      const before = middle[i - 1]?.eta
      if (before !== undefined)
        assert.isBelow(Math.abs((eta ?? 0) - (before - 100)), 0.15 * before, `t=${at}`)
    }
  })

  it("a stall shows: once the next step is overdue the rate falls and the ETA grows", () => {
    const stalled = sampled((ms) => Math.min(50, Math.floor(ms / 100)), 100, 30_000)
    const at = (ms: number) => stalled.find((e) => e.at === ms)
    assert.closeTo(at(5000)?.rate ?? 0, 10, 1e-9)
    // overdue after 3 steps' time (0.3 s): from then on as if 3 steps came now
    assert.closeTo(at(15_000)?.rate ?? 0, 0.3, 1e-9, "three steps in the 10 s since the last")
    assert.isAbove(at(30_000)?.eta ?? 0, at(15_000)?.eta ?? 0)
  })

  it("does not depend on how often it is sampled", () => {
    const steadyish = (ms: number) => Math.floor(ms / 70)
    const often = sampled(steadyish, 100, 10_000).at(-1)?.rate ?? 0
    const seldom = sampled(steadyish, 1000, 10_000).at(-1)?.rate ?? 0
    assert.closeTo(often, seldom, 0.05 * often)
  })

  it("unknown until the count moves; nothing left, no wait; a count going back starts over", () => {
    const idle = RateEstimator.sample(RateEstimator.start(0), 1000, 0)
    assert.isUndefined(RateEstimator.rate(idle, 1000))
    assert.isUndefined(RateEstimator.eta(idle, 10, 1000))
    const moved = RateEstimator.sample(idle, 2000, 50)
    assert.closeTo(RateEstimator.rate(moved, 2000) ?? 0, 25, 1e-9)
    assert.isUndefined(RateEstimator.rate(RateEstimator.sample(moved, 3000, 10), 3000))
    assert.strictEqual(RateEstimator.eta(RateEstimator.start(0, 10), 10), 0)
  })
})
