/**
 * The app's `Effect.log` and `Console` output routed through the renderer, so a log line is printed
 * above the live region (or as a plain line, or a `log` event) and never lands in the middle of a bar.
 */
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as HashMap from "effect/HashMap"
import * as HashSet from "effect/HashSet"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import { Renderer, type Service } from "./Renderer.js"

const text = (values: ReadonlyArray<unknown>) =>
  values.map((value) => (typeof value === "string" ? value : Inspectable.toStringUnknown(value, 0))).join(" ")

/** `INFO message key=value`: the level, the message, the annotations, and a failure's cause. */
export const format: Logger.Logger<unknown, string> = Logger.make(
  ({ logLevel, message, annotations, cause }) => {
    const parts = [logLevel.label, text(Array.isArray(message) ? message : [message])]
    for (const [key, value] of HashMap.toEntries(annotations)) parts.push(`${key}=${text([value])}`)
    if (!Cause.isEmpty(cause)) parts.push(Cause.pretty(cause, { renderErrorCause: true }))
    return parts.filter((part) => part !== "").join(" ")
  }
)

/** A `Logger` that prints each log line through `renderer`, formatted by `formatter`. */
export const logger = (
  renderer: Service,
  formatter: Logger.Logger<unknown, string> = format
): Logger.Logger<unknown, void> =>
  Logger.make((options) => renderer.unsafeLog(formatter.log(options), options.date.getTime()))

/**
 * Logs through the context's `Renderer` instead of the console: replaces Effect's default logger
 * and the pretty one `NodeRuntime.runMain` installs; other loggers (a tracer's, say) stay.
 */
export const layerLogger = (
  formatter: Logger.Logger<unknown, string> = format
): Layer.Layer<never, never, Renderer> =>
  Layer.scopedDiscard(
    Effect.flatMap(Renderer, (renderer) =>
      Effect.locallyScopedWith(FiberRef.currentLoggers, (loggers) =>
        loggers.pipe(
          HashSet.remove(Logger.defaultLogger),
          HashSet.remove(Logger.prettyLoggerDefault),
          HashSet.add(logger(renderer, formatter))
        )
      )
    )
  )

/** `console` with its printing methods (`log`, `info`, `warn`, `error`, `debug`) sent to `renderer`. */
export const console = (renderer: Service, base: Console.Console): Console.Console => {
  const print = (...args: ReadonlyArray<unknown>) => renderer.log(text(args))
  return { ...base, log: print, info: print, warn: print, error: print, debug: print }
}

/** Sets a `Console` whose printing goes through the context's `Renderer` (to the renderer's terminal). */
export const layerConsole: Layer.Layer<never, never, Renderer> = Layer.unwrapEffect(
  Effect.flatMap(Renderer, (renderer) =>
    Console.consoleWith((base) => Effect.succeed(Console.setConsole(console(renderer, base))))
  )
)
