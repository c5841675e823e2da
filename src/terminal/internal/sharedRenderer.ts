/**
 * Without a Renderer in the context, everything drawn on one terminal shares one renderer, made by
 * its first user and closed (region cleared, cursor restored) when the last one leaves: an `RcRef`
 * per terminal, found by the terminal itself (so a terminal nobody holds is forgotten with it).
 */
import type * as Terminal from "@effect/platform/Terminal"
import * as Effect from "effect/Effect"
import * as RcRef from "effect/RcRef"
import * as Scope from "effect/Scope"

const shared = new WeakMap<Terminal.Terminal, RcRef.RcRef<unknown>>()
// two first users at once must not make two renderers
const sharing = Effect.unsafeMakeSemaphore(1)

/** The renderer shared on `terminal` for the scope's life, made by `make` when none is held. */
export const sharedOn = <A>(
  terminal: Terminal.Terminal,
  make: Effect.Effect<A, never, Scope.Scope>
): Effect.Effect<A, never, Scope.Scope> =>
  sharing
    .withPermits(1)(
      Effect.suspend(() => {
        const found = shared.get(terminal) as RcRef.RcRef<A> | undefined
        if (found !== undefined) return Effect.succeed(found)
        return Effect.flatMap(Scope.make(), (scope) =>
          RcRef.make({ acquire: make }).pipe(
            Scope.extend(scope),
            Effect.tap((ref) => Effect.sync(() => shared.set(terminal, ref)))
          )
        )
      })
    )
    .pipe(Effect.flatMap(RcRef.get))
