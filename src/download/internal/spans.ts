/** Spans that cost nothing when nothing reads them. */
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"

// the tracer every fiber has until an app installs its own (OpenTelemetry, say): its spans go nowhere
const nativeTracer = Effect.runSync(Effect.tracer)

/**
 * `Effect.withSpan` without a call-site stack, skipped when tracing is off or the tracer is Effect's
 * own: even a span nobody exports allocated ~2.5 KB per download (its ids drawn at random, its
 * attributes copied) and copies the fiber's context for every step.
 */
export const withSpanWhenTraced =
  (name: string, attributes: Record<string, unknown>) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.withFiberRuntime((fiber) =>
      fiber.getFiberRef(FiberRef.currentTracerEnabled)
        ? Effect.tracerWith((tracer) =>
            tracer === nativeTracer
              ? self
              : Effect.withSpan(self, name, { attributes, captureStackTrace: false })
          )
        : self
    )
