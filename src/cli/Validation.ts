/** Helpers that turn bad option values into @effect/cli usage errors (exit code 2). */
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

/** A usage error carrying `message`. */
export const invalid = (message: string): ValidationError.ValidationError =>
  ValidationError.invalidValue(HelpDoc.p(message))

/** Keeps the option's values that satisfy `predicate`; any other value is a usage error. */
export const refine =
  <A>(predicate: (value: A) => boolean, describe: (value: A) => string) =>
  (self: Options.Options<A>): Options.Options<A> =>
    Options.mapEffect(self, (value) =>
      predicate(value) ? Effect.succeed(value) : Effect.fail(invalid(describe(value)))
    )

/** Reads the option's text with `parse`; text it cannot read is a usage error (`--rate must look like …`). */
export const parsed =
  <A>(parse: (text: string) => Option.Option<A>, describe: (text: string) => string) =>
  (self: Options.Options<string>): Options.Options<A> =>
    Options.mapEffect(self, (text) =>
      Option.match(parse(text), {
        onNone: () => Effect.fail(invalid(describe(text))),
        onSome: Effect.succeed
      })
    )

/** Keeps the values from `min` to `max`; any other is a usage error (`--retries must be between 0 and 20, got 30`). */
export const between = (name: string, min: number, max: number) =>
  refine<number>(
    (n) => n >= min && n <= max,
    (n) => `--${name} must be between ${min} and ${max}, got ${n}`
  )
