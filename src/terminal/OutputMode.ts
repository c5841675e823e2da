/**
 * How progress is shown: a live region on a terminal, plain timed lines in logs and pipes, NDJSON
 * events for programs, or nothing. Chosen by a pure function of what the environment says, read
 * through Effect's `Config` so a test (or an app) decides what the environment is.
 */
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"

/** The four outputs. */
export type Mode = "live" | "plain" | "json" | "none"

/** What a user may ask for: a mode, or `auto` (the environment decides). */
export type Choice = "auto" | Mode

/** Every choice, in the order the CLI lists them. */
export const choices: ReadonlyArray<Choice> = ["auto", "live", "plain", "json", "none"]

/** What the environment says about the output. */
export interface Environment {
  /** The output is a terminal. */
  readonly isTTY: boolean
  /** `CI` is set (to anything but `""`, `0` or `false`). */
  readonly ci: boolean
  /** `TERM`, `""` when unset. */
  readonly term: string
  /** `NO_COLOR` is set to anything but `""` (https://no-color.org). */
  readonly noColor: boolean
  /** The first non-empty of `LC_ALL`, `LC_CTYPE`, `LANG`; `""` when none is set. */
  readonly locale: string
}

/** The resolved output: its mode, and whether lines may use colour and Unicode glyphs. */
export interface Output {
  readonly mode: Mode
  readonly color: boolean
  readonly unicode: boolean
}

/** True for a UTF-8 locale name (`en_US.UTF-8`, `C.utf8`). */
const isUtf8Locale = (locale: string): boolean => /utf-?8/i.test(locale)

/**
 * The output for an environment and a choice. `auto` is `live` on a terminal unless `CI` is set or
 * `TERM=dumb`, `plain` otherwise. Colour only in `live` mode, never under `NO_COLOR` or `TERM=dumb`.
 * Unicode where the locale is UTF-8; with no locale variable at all, unless `TERM=linux` (the Linux
 * console), as most terminals that set none (Windows Terminal, macOS) draw Unicode.
 */
export const resolve = (environment: Environment, choice: Choice = "auto"): Output => {
  const mode: Mode =
    choice !== "auto"
      ? choice
      : environment.isTTY && !environment.ci && environment.term !== "dumb"
        ? "live"
        : "plain"
  return {
    mode,
    color: mode === "live" && !environment.noColor && environment.term !== "dumb",
    unicode: environment.locale === "" ? environment.term !== "linux" : isUtf8Locale(environment.locale)
  }
}

const variable = (name: string) => Config.string(name).pipe(Config.withDefault(""))

/** The environment apart from `isTTY` (which the terminal answers), read from the `ConfigProvider`. */
export const environment: Config.Config<Omit<Environment, "isTTY">> = Config.all({
  ci: Config.map(variable("CI"), (ci) => ci !== "" && ci !== "0" && ci.toLowerCase() !== "false"),
  term: variable("TERM"),
  noColor: Config.map(variable("NO_COLOR"), (value) => value !== ""),
  locale: Config.map(
    Config.all([variable("LC_ALL"), variable("LC_CTYPE"), variable("LANG")]),
    (names) => names.find((name) => name !== "") ?? ""
  )
})

/** A choice read from the variable `name` (e.g. `FLAGS_PROGRESS`), `auto` when unset. */
export const choice = (name: string): Config.Config<Choice> =>
  Config.literal("auto", "live", "plain", "json", "none")(name).pipe(Config.withDefault("auto" as const))

/** Reads the environment (a misread one counts as unset) and resolves `choice` for a terminal. */
export const detect = (isTTY: boolean, choice: Choice = "auto"): Effect.Effect<Output> =>
  environment.pipe(
    Effect.orElseSucceed(() => ({ ci: false, term: "", noColor: false, locale: "" })),
    Effect.map((environment) => resolve({ ...environment, isTTY }, choice))
  )
