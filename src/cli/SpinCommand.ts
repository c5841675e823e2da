/** `flags spin`: the book's spinner demo, beside a sleep or beside a prime check. */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import { parseNumber } from "./NumberArgs.js"
import { announced } from "./RunningCommand.js"
import { defaultSpinDemoOptions, supervise } from "./SpinDemo.js"
import { superviseMany } from "./SpinTasks.js"
import { between, invalid, refine } from "./Validation.js"

const message = Options.text("message").pipe(
  Options.withDescription("The text shown beside the spinner."),
  Options.withDefault(defaultSpinDemoOptions.message)
)

const mode = Options.choice("mode", ["interrupt", "signal"]).pipe(
  Options.withDescription(
    "interrupt: stop the spinner with Fiber.interrupt (asyncio's Task.cancel); " +
      "signal: flip a Deferred the spinner polls, then join it (the thread version)."
  ),
  Options.withDefault(defaultSpinDemoOptions.mode)
)

const seconds = Options.float("seconds").pipe(
  Options.withDescription("How long the slow function works before it answers 42 (--work sleep; default 3)."),
  refine(
    (n) => Number.isFinite(n) && n >= 0 && n <= 86_400,
    (n) => `--seconds must be between 0 and 86400, got ${n}`
  ),
  Options.optional
)

const tasks = Options.integer("tasks").pipe(
  Options.withDescription(
    "Run N slow functions of different lengths side by side (task i of N works i/N of --seconds), " +
      "each with its own spinner line; 1 is the book's demo (--work sleep)."
  ),
  between("tasks", 1, 100),
  Options.optional
)

// the prime work's options, each only meaningful with --work prime (checked below)
const prime = {
  runner: Options.choice("runner", ["blocking", "yielding", "worker"]).pipe(
    Options.withDescription(
      "--work prime: blocking (in the main fiber, never yielding: the spinner never draws), " +
        "yielding (Effect.yieldNow every --yield-every candidates), worker (a worker thread; the default)."
    ),
    Options.optional
  ),
  number: Options.text("number").pipe(
    Options.withDescription("--work prime: the number to check (default 5_000_111_000_222_021, the book's)."),
    Options.withPseudoName("N"),
    Options.mapEffect((text) => Either.mapLeft(parseNumber(text, "--number"), invalid)),
    Options.optional
  ),
  yieldEvery: Options.integer("yield-every").pipe(
    Options.withDescription(
      "--runner yielding: candidates tested between yields (default 50000, the book's)."
    ),
    Options.withPseudoName("K"),
    between("yield-every", 1, 1_000_000_000),
    Options.optional
  )
}

type Work =
  | { readonly work: "sleep"; readonly seconds: number; readonly tasks: number }
  | {
      readonly work: "prime"
      readonly runner: "blocking" | "yielding" | "worker"
      readonly n: Option.Option<bigint>
      readonly yieldEvery: Option.Option<number>
    }

const given = (options: Record<string, Option.Option<unknown>>) =>
  Object.entries(options).flatMap(([name, value]) => (Option.isSome(value) ? [name] : []))
const flag = (name: string) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`

const work = Options.all({
  work: Options.choice("work", ["sleep", "prime"]).pipe(
    Options.withDescription("sleep: the book's slow function; prime: the book's is_prime, CPU-bound."),
    Options.withDefault("sleep" as const)
  ),
  seconds,
  tasks,
  ...prime
}).pipe(
  Options.mapEffect((o): Effect.Effect<Work, ReturnType<typeof invalid>> => {
    if (o.work === "sleep") {
      const misplaced = given({ runner: o.runner, number: o.number, yieldEvery: o.yieldEvery })
      return misplaced.length > 0
        ? Effect.fail(invalid(`${misplaced.map(flag).join(", ")}: only with --work prime`))
        : Effect.succeed({
            work: "sleep",
            seconds: Option.getOrElse(o.seconds, () => Duration.toSeconds(defaultSpinDemoOptions.duration)),
            tasks: Option.getOrElse(o.tasks, () => 1)
          })
    }
    const runner = Option.getOrElse(o.runner, () => "worker" as const)
    const sleepOnly = given({ seconds: o.seconds, tasks: o.tasks })
    if (sleepOnly.length > 0)
      return Effect.fail(invalid(`${sleepOnly.map(flag).join(", ")}: only with --work sleep`))
    if (Option.isSome(o.yieldEvery) && runner !== "yielding") {
      return Effect.fail(invalid("--yield-every: only with --runner yielding"))
    }
    return Effect.succeed({ work: "prime", runner, n: o.number, yieldEvery: o.yieldEvery })
  })
)

/** The `spin` subcommand. */
export const spinCommand = Command.make("spin", { message, mode, work }, (options) => {
  const w = options.work
  if (w.work === "sleep") {
    const duration = Duration.seconds(w.seconds)
    return w.tasks > 1
      ? superviseMany({ message: options.message, duration, tasks: w.tasks })
      : supervise({ message: options.message, duration, mode: options.mode })
  }
  // the prime work and its worker pool are loaded only when asked for
  return Effect.flatMap(
    Effect.promise(() => import("./SpinPrime.js")),
    ({ spinPrime }) =>
      spinPrime({
        message: options.message,
        mode: options.mode,
        runner: w.runner,
        n: Option.getOrUndefined(w.n),
        yieldEvery: Option.getOrUndefined(w.yieldEvery)
      })
  )
}).pipe(
  Command.withDescription("Show a spinner beside a slow function (or a prime check), then its answer."),
  announced({ name: "spin", endsOnSignal: false })
)
