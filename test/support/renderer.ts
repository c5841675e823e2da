/** Runs a program on a renderer over a screen terminal, forked, so a test steps the TestClock and looks. */
import * as Effect from "effect/Effect"
import type * as Fiber from "effect/Fiber"
import type * as Scope from "effect/Scope"
import * as TestClock from "effect/TestClock"
import * as Renderer from "../../src/terminal/Renderer.js"
import * as ScreenTerminal from "../../src/testing/ScreenTerminal.js"
import { withEnvironment } from "./environment.js"

/** A terminal user who asked for no colour: what most assertions on text want. */
export const colorless: Readonly<Record<string, string>> = {
  TERM: "xterm-256color",
  LANG: "en_US.UTF-8",
  NO_COLOR: "1"
}

export interface OnScreen<A, E> {
  readonly screen: ScreenTerminal.ScreenTerminal
  readonly fiber: Fiber.RuntimeFiber<A, E>
  /** Moves the TestClock to `ms` after the start. */
  readonly at: (ms: number) => Effect.Effect<void>
}

export const onScreen = <A, E>(
  options: ScreenTerminal.ScreenTerminalOptions & {
    readonly env?: Readonly<Record<string, string>>
    readonly renderer?: Renderer.Options
  },
  program: (
    renderer: Renderer.Service,
    screen: ScreenTerminal.ScreenTerminal
  ) => Effect.Effect<A, E, Scope.Scope>
): Effect.Effect<OnScreen<A, E>> =>
  Effect.gen(function* () {
    const screen = yield* ScreenTerminal.make(options)
    const fiber = yield* Effect.fork(
      Effect.scoped(
        Effect.flatMap(Renderer.make(screen.terminal, options.renderer), (renderer) =>
          program(renderer, screen)
        )
      ).pipe(withEnvironment(options.env ?? colorless))
    )
    let now = 0
    const at = (ms: number) =>
      Effect.suspend(() => {
        const step = ms - now
        now = ms
        return TestClock.adjust(step)
      })
    yield* at(0)
    return { screen, fiber, at }
  })
