/** The environment the renderer reads (CI, TERM, NO_COLOR, locale), set per test through Config. */
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"

/** A terminal user's environment: xterm, UTF-8, colour allowed, not CI. */
export const terminalUser: Readonly<Record<string, string>> = { TERM: "xterm-256color", LANG: "en_US.UTF-8" }

/** Runs `self` with exactly these variables (and no others) as its environment. */
export const withEnvironment =
  (variables: Readonly<Record<string, string>> = terminalUser) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.withConfigProvider(self, ConfigProvider.fromMap(new Map(Object.entries(variables))))
