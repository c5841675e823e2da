/** Spans that cost nothing when no tracer is on. */
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"

/**
 * `Effect.withSpan` without a call-site stack, skipped when tracing is off: even a no-op span copies
 * the fiber's context for every step, a measured share of each download when nothing exports spans.
 */
export const withSpanWhenTraced =
  (name: string, attributes: Record<string, unknown>) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.withFiberRuntime((fiber) =>
      fiber.getFiberRef(FiberRef.currentTracerEnabled)
        ? Effect.withSpan(self, name, { attributes, captureStackTrace: false })
        : self
    )
