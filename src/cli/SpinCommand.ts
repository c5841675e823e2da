/** `flags spin`: the book's spinner demo. */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Duration from "effect/Duration"
import { defaultSpinDemoOptions, supervise } from "../SpinDemo.js"
import { superviseMany } from "../SpinTasks.js"
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

const tasks = Options.integer("tasks").pipe(
  Options.withDescription(
    "Run N slow functions of different lengths side by side (task i of N works i/N of --seconds), " +
      "each with its own spinner line; 1 is the book's demo."
  ),
  refine(
    (n) => n >= 1 && n <= 100,
    (n) => `--tasks must be between 1 and 100, got ${n}`
  ),
  Options.withDefault(1)
)

/** The `spin` subcommand. */
export const spinCommand = Command.make("spin", { message, seconds, mode, tasks }, (options) =>
  options.tasks > 1
    ? superviseMany({
        message: options.message,
        duration: Duration.seconds(options.seconds),
        tasks: options.tasks
      })
    : supervise({ message: options.message, duration: Duration.seconds(options.seconds), mode: options.mode })
).pipe(Command.withDescription("Show a spinner beside a slow function, then its answer."))
