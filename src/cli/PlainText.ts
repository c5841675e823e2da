/**
 * @effect/cli styles help and errors with ANSI codes whatever the output is: a console that strips them
 * where they would be garbage (a pipe, a file) or are unwanted (NO_COLOR, https://no-color.org).
 */
import * as Console from "effect/Console"
import type * as Effect from "effect/Effect"

const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, "g")
const plain = (args: ReadonlyArray<unknown>) =>
  args.map((a) => (typeof a === "string" ? a.replace(ansi, "") : a))

/** Runs `program` with a console whose `log` (stdout) and `error` (stderr) strip styles where `colorless` says. */
export const withPlainText =
  (colorless: { readonly stdout: () => boolean; readonly stderr: () => boolean }) =>
  <A, E, R>(program: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Console.consoleWith((console) =>
      Console.withConsole(program, {
        ...console,
        log: (...args) => console.log(...(colorless.stdout() ? plain(args) : args)),
        error: (...args) => console.error(...(colorless.stderr() ? plain(args) : args))
      })
    )
