/** `flags spin`: the book's spinner demo. */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Duration from "effect/Duration"
import { defaultSpinDemoOptions, supervise } from "../SpinDemo.js"
import { announced } from "./RunningCommand.js"
import { refine } from "./Validation.js"

const message = Options.text("message").pipe(
  Options.withDescription("The text shown beside the spinner."),
  Options.withDefault(defaultSpinDemoOptions.message)
)

const seconds = Options.float("seconds").pipe(
  Options.withDescription("How long the slow function works before it answers 42."),
  refine(
    (n) => Number.isFinite(n) && n >= 0 && n <= 86_400,
    (n) => `--seconds must be between 0 and 86400, got ${n}`
  ),
  Options.withDefault(Duration.toSeconds(defaultSpinDemoOptions.duration))
)

const mode = Options.choice("mode", ["interrupt", "signal"]).pipe(
  Options.withDescription(
    "interrupt: stop the spinner with Fiber.interrupt (asyncio's Task.cancel); " +
      "signal: flip a Deferred the spinner polls, then join it (the thread version)."
  ),
  Options.withDefault(defaultSpinDemoOptions.mode)
)

/** The `spin` subcommand. */
export const spinCommand = Command.make("spin", { message, seconds, mode }, (options) =>
  supervise({ message: options.message, duration: Duration.seconds(options.seconds), mode: options.mode })
).pipe(
  Command.withDescription("Show a spinner beside a slow function, then its answer."),
  announced({ name: "spin", endsOnSignal: false })
)
