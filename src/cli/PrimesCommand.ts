/** `flags primes`: the book's procs.py, checking large numbers with N workers pulling from one queue. */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import { parseNumber } from "./NumberArgs.js"
import { announced } from "./RunningCommand.js"
import { refine } from "./Validation.js"

/** The most worker threads `-w` starts. */
export const maxWorkers = 64

const numbers = Args.text({ name: "NUMBER" }).pipe(
  Args.withDescription(
    "Whole numbers up to 2^64 − 1 (5_000_111_000_222_021 is fine). Default: the book's 20."
  ),
  Args.repeated,
  Args.mapEffect((texts) =>
    Effect.forEach(texts, (text) =>
      Either.mapLeft(parseNumber(text, "NUMBER"), (message) => HelpDoc.p(message))
    )
  )
)

const workers = Options.integer("workers").pipe(
  Options.withAlias("w"),
  Options.withDescription(
    `Worker threads, at most ${maxWorkers} (default: the number of cores); 1 checks in the main fiber.`
  ),
  refine(
    (n) => n >= 1 && n <= maxWorkers,
    (n) => `--workers must be between 1 and ${maxWorkers}, got ${n}`
  ),
  Options.optional
)

/** The `primes` subcommand. */
export const primesCommand = Command.make("primes", { workers, numbers }, (options) =>
  // the run and its worker pool are loaded only by this command
  Effect.flatMap(
    Effect.promise(() => import("./PrimesRun.js")),
    ({ runPrimes }) =>
      runPrimes({ numbers: options.numbers, workers: Option.getOrUndefined(options.workers) })
  )
).pipe(
  Command.withDescription("Check large numbers for primality with N worker threads (the book's procs.py)."),
  announced({ name: "primes", endsOnSignal: false })
)
