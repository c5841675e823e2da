/**
 * One renderer owns a terminal: tasks report to it through `Ref`s (never waiting for the terminal),
 * and one fiber draws them — a live region redrawn at most 10 times a second with log lines printed
 * above it, plain lines, NDJSON events, or nothing (`OutputMode`). Closing its scope draws the last
 * lines, clears the region, restores the cursor and clears the taskbar, whatever the `Exit`.
 */
import * as Terminal from "@effect/platform/Terminal"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as MutableQueue from "effect/MutableQueue"
import * as MutableRef from "effect/MutableRef"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import { asciiGlyphs, unicodeGlyphs } from "./internal/ansi.js"
import * as LinePainter from "./internal/linePainter.js"
import * as LivePainter from "./internal/livePainter.js"
import type { LogLine, Painter } from "./internal/painter.js"
import { sharedOn } from "./internal/sharedRenderer.js"
import * as TaskState from "./internal/taskState.js"
import * as OutputMode from "./OutputMode.js"
import type { Task, TaskOptions } from "./Task.js"

/** What a renderer offers. */
export interface Service {
  /** The output it chose (mode, colour, glyphs). */
  readonly output: OutputMode.Output
  /** Adds a task for the scope's life; the scope's `Exit` ends it (unless `end` did first). */
  readonly task: (label: string, options?: TaskOptions) => Effect.Effect<Task, never, Scope.Scope>
  /** Adds a task that the caller ends with `task.end(exit)`. */
  readonly add: (label: string, options?: TaskOptions) => Effect.Effect<Task>
  /** Prints a line above the tasks (a plain line, or a `log` event); never waits for the terminal. */
  readonly log: (message: string) => Effect.Effect<void>
  /** `log` for synchronous callers (a `Logger`); `at` is the Clock time of the line. */
  readonly unsafeLog: (message: string, at: number) => void
  /** Waits until everything reported so far has been written. */
  readonly flush: Effect.Effect<void>
}

/** The renderer of the app's terminal. */
export class Renderer extends Context.Tag("effect-flags/Renderer")<Renderer, Service>() {}

/** How a renderer draws. */
export interface Options {
  /** `auto` (default): the environment decides (`OutputMode.resolve`). */
  readonly mode?: OutputMode.Choice | undefined
  /** OSC 9;4 taskbar progress, off by default. */
  readonly taskbar?: boolean | undefined
  /** Between redraws of the live region (100 ms). */
  readonly interval?: Duration.DurationInput | undefined
  /** Between two plain lines of one task (3 s). */
  readonly plainInterval?: Duration.DurationInput | undefined
  /** Between two `progressed` events of one task (1 s). */
  readonly eventInterval?: Duration.DurationInput | undefined
}

const millis = (duration: Duration.DurationInput | undefined, fallback: number) =>
  duration === undefined ? fallback : Duration.toMillis(duration)

const painterFor = (output: OutputMode.Output, options: Options): Painter => {
  const style = { glyphs: output.unicode ? unicodeGlyphs : asciiGlyphs, color: output.color }
  switch (output.mode) {
    case "live":
      return LivePainter.make({
        intervalMs: millis(options.interval, 100),
        taskbar: options.taskbar ?? false,
        style
      })
    case "plain":
      return LinePainter.plain({ intervalMs: millis(options.plainInterval, 3000), style })
    case "json":
      return LinePainter.json({ intervalMs: millis(options.eventInterval, 1000) })
    case "none":
      return LinePainter.none
  }
}

/** A renderer drawing on `terminal` until the scope closes. */
export const make = (
  terminal: Terminal.Terminal,
  options: Options = {}
): Effect.Effect<Service, never, Scope.Scope> =>
  Effect.gen(function* () {
    const output = yield* OutputMode.detect(yield* terminal.isTTY, options.mode)
    const painter = painterFor(output, options)
    // The renderer's state is read by its drawing fiber in one synchronous step per redraw (so an
    // idle redraw costs little): Effect's mutable structures, written by the app's fibers in `sync`.
    const logs = MutableQueue.unbounded<LogLine>()
    const flushes = MutableRef.make<ReadonlyArray<Deferred.Deferred<void>>>([])
    const tasks = MutableRef.make<ReadonlyArray<TaskState.TaskState>>([])
    const closed = MutableRef.make(false)
    let ids = 0
    // orders log lines and task ends that happen at one Clock instant
    let sequence = 0
    const next = () => sequence++
    // the drawing fiber sleeps on this latch; anything worth drawing opens it
    const latch = yield* Effect.makeLatch(false)

    // A step reads everything, paints and writes, uninterruptibly: what is painted is written (so
    // no line is lost and the region on screen is the one painted), and closing waits for it. A
    // closed or broken output must never fail the app: its lines are dropped, the work goes on.
    const step = (last: boolean) =>
      Effect.uninterruptible(
        Effect.gen(function* () {
          const columns = yield* terminal.columns
          const rows = yield* terminal.rows
          const now = yield* Clock.currentTimeMillis
          latch.unsafeClose()
          const waiting = MutableRef.getAndSet(flushes, [])
          const frame = {
            logs: Chunk.toReadonlyArray(MutableQueue.pollUpTo(logs, Number.POSITIVE_INFINITY)),
            now,
            tasks: MutableRef.get(tasks).map(TaskState.snapshot),
            columns,
            rows
          }
          const painted = last ? painter.close(frame) : painter.step(frame)
          if (painted.retired.length > 0) {
            MutableRef.update(tasks, (all) => all.filter((task) => !painted.retired.includes(task.id)))
          }
          for (const text of painted.writes) yield* Effect.ignore(terminal.display(text))
          for (const done of waiting) yield* Deferred.succeed(done, undefined)
          return painted.next
        })
      )
    const draw = Effect.forever(
      Effect.flatMap(step(false), (next) =>
        next === undefined
          ? latch.await
          : next._tag === "tick"
            ? Effect.sleep(next.ms)
            : Effect.timeoutOption(latch.await, next.ms)
      )
    )
    const drawing = yield* Effect.forkScoped(draw)
    yield* Effect.addFinalizer(() =>
      Fiber.interrupt(drawing).pipe(
        Effect.zipRight(Effect.sync(() => MutableRef.set(closed, true))),
        Effect.zipRight(step(true))
      )
    )

    const unsafeLog = (message: string, at: number) => {
      MutableQueue.offer(logs, { message, at, seq: next() })
      latch.unsafeOpen()
    }
    const add = (label: string, taskOptions: TaskOptions = {}) =>
      Effect.gen(function* () {
        const state = TaskState.make(
          ++ids,
          label,
          taskOptions,
          yield* Clock.currentTimeMillis,
          latch.open,
          next
        )
        // a task added after the renderer closed is counted but shown nowhere
        if (!MutableRef.get(closed)) MutableRef.update(tasks, (all) => [...all, state])
        yield* latch.open
        return state.handle
      })
    return {
      output,
      add,
      task: (label, taskOptions) =>
        Effect.acquireRelease(add(label, taskOptions), (task, exit) => task.end(exit)),
      log: (message) =>
        Effect.flatMap(Clock.currentTimeMillis, (at) => Effect.sync(() => unsafeLog(message, at))),
      unsafeLog,
      flush: Effect.gen(function* () {
        if (MutableRef.get(closed)) return
        const done = yield* Deferred.make<void>()
        MutableRef.update(flushes, (all) => [...all, done])
        yield* latch.open
        yield* Deferred.await(done)
      })
    } satisfies Service
  })

/** A renderer on the context's `Terminal` for the layer's life. */
export const layer = (options: Options = {}): Layer.Layer<Renderer, never, Terminal.Terminal> =>
  Layer.scoped(
    Renderer,
    Effect.flatMap(Terminal.Terminal, (terminal) => make(terminal, options))
  )

/**
 * The context's `Renderer` if there is one, else the renderer shared by every user of `terminal`
 * for as long as one of them holds it (its scope): so two `withSpinner`s at once are two lines of
 * one region, and the last to finish clears it.
 */
export const current = (terminal: Terminal.Terminal): Effect.Effect<Service, never, Scope.Scope> =>
  Effect.flatMap(
    Effect.serviceOption(Renderer),
    Option.match({ onNone: () => sharedOn(terminal, make(terminal)), onSome: Effect.succeed })
  )

/** Prints a line above the tasks of the context's renderer. */
export const log = (message: string): Effect.Effect<void, never, Renderer> =>
  Effect.flatMap(Renderer, (renderer) => renderer.log(message))

/** Adds a task to the context's renderer for the scope's life. */
export const task = (
  label: string,
  options?: TaskOptions
): Effect.Effect<Task, never, Renderer | Scope.Scope> =>
  Effect.flatMap(Renderer, (renderer) => renderer.task(label, options))
