/** What the process was given on standard input, for `flags fetch -i -`; the bin provides it. */
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import type * as Effect from "effect/Effect"

/** Standard input could not be read. */
export class StdinError extends Data.TaggedError("StdinError")<{ readonly cause: unknown }> {
  override get message() {
    return "cannot read standard input"
  }
}

/** All of standard input, read once. */
export class Stdin extends Context.Tag("effect-flags/cli/Stdin")<
  Stdin,
  { readonly readAll: Effect.Effect<Uint8Array, StdinError> }
>() {}
