/** Which subcommand @effect/cli parsed and started: what the bin needs to choose an exit code after a signal. */
import * as Command from "@effect/cli/Command"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

/** A subcommand that has started. */
export interface Started {
  readonly name: string
  /** A signal is this command's normal end (a server), not an interruption. */
  readonly endsOnSignal: boolean
}

/** Told by each subcommand as it starts; the bin provides it. */
export class RunningCommand extends Context.Tag("effect-flags/cli/RunningCommand")<
  RunningCommand,
  { readonly started: (command: Started) => Effect.Effect<void> }
>() {}

/** Makes a command announce itself to `RunningCommand` (when there is one) before its handler runs. */
export const announced =
  (started: Started) =>
  <Name extends string, R, E, A>(command: Command.Command<Name, R, E, A>): Command.Command<Name, R, E, A> =>
    Command.transformHandler(command, (handler) =>
      Effect.zipRight(
        Effect.flatMap(Effect.serviceOption(RunningCommand), (running) =>
          Option.isSome(running) ? running.value.started(started) : Effect.void
        ),
        handler
      )
    )
