/**
 * A session journal as a service: what a run was asked, and how each item ended, appended as items
 * end, so the next run with the same session resumes instead of starting over (`JournalFormat` has
 * the lines). `layerFile(path)` keeps it in a file, `layerMemory()` in memory with the same code.
 *
 * Appending costs a buffered write: entries are written in batches, `batchWindow` (50 ms) after the
 * first of a batch or as soon as `batchSize` (64) wait, whichever comes first, and the file is synced
 * (fsync) at most once per `syncInterval` (1 s), and when flushed or closed — never rewritten, never
 * synced per entry. What a crash can lose: a process killed outright (`kill -9`, a crash) loses only
 * the entries not yet written, at most the last 50 ms or 64 of them; an operating-system crash or
 * power cut, those not yet synced, at most about a second more. Either way those items are simply
 * not done to the next run, which requests them again: no item is lost, only redone. A write cut
 * short leaves a torn last line, ignored when read and cut off before the next append.
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Path from "@effect/platform/Path"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Queue from "effect/Queue"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Stores from "./internal/journalStores.js"
import { JournalError } from "./internal/journalStores.js"
import * as Format from "./JournalFormat.js"

/** Where a journal's bytes live: implement it (read, create atomically, truncate, append) for `make`. */
export type { Appender, Store } from "./internal/journalStores.js"
export { JournalError } from "./internal/journalStores.js"

/** Entries waiting for a write when it is written at once. */
const batchSize = 64
/** The longest an entry waits to be written. */
const batchWindow = Duration.millis(50)
/** The longest written entries wait to be synced (fsync) while entries keep coming. */
const syncInterval = Duration.seconds(1)

/** The session was for another run: another dest, server, extension, item list… */
export class SessionMismatch extends Data.TaggedError("SessionMismatch")<{
  readonly source: string
  /** One sentence per difference (`the session was for dest /a, this run is for /b`). */
  readonly differences: ReadonlyArray<string>
}> {
  override get message() {
    return `session ${this.source} is not this run's: ${this.differences.join("; ")}`
  }
}

/** A journal opened by a run, for the life of its scope. */
export interface Session {
  /** What the session is for. */
  readonly header: Format.Header
  /** The last entry of each item the journal held when opened (none for a new journal). */
  readonly previous: ReadonlyMap<string, Format.Entry>
  /** Whether the journal was there already: this run resumes it. */
  readonly resumed: boolean
  /** Records how an item ended, stamped with the Clock time; written within `batchWindow`. */
  readonly append: (entry: Format.EntryInput) => Effect.Effect<void, JournalError>
  /** Writes every entry appended so far and syncs them; the scope's end does this too. */
  readonly flush: Effect.Effect<void, JournalError>
}

/** The journal of one session. */
export interface JournalService {
  /** Where it is (the path), for messages. */
  readonly source: string
  /** The journal as it is, changing nothing (`flags verify`); none when there is none yet. */
  readonly read: Effect.Effect<Option.Option<Format.Contents>, JournalError | Format.NotAJournal>
  /**
   * Opens the journal for a run asking `header`: creates it with that header if there is none, else
   * reads it and refuses it (`SessionMismatch`) unless its header asks exactly the same. One run at
   * a time: two runs appending to one journal at once are not guarded against.
   */
  readonly open: (
    header: Format.Header
  ) => Effect.Effect<Session, JournalError | Format.NotAJournal | SessionMismatch, Scope.Scope>
}

/** The session journal a run records to. */
export class Journal extends Context.Tag("effect-flags/Journal")<Journal, JournalService>() {}

// the guard alone for an entry that is fine (a tenth of validateEither's cost, measured on a 676-entry
// run); the validator only to say what is wrong with one that is not
const isEntry = Schema.is(Format.Entry)
const validateEntry = Schema.validateEither(Format.Entry)
const encoder = new TextEncoder()

/** A journal kept in `store` (a file, memory, or any other). */
export const make = (store: Stores.Store): JournalService => {
  const source = store.source
  const load = Effect.flatMap(store.read, (bytes) =>
    Option.isNone(bytes) || bytes.value.length === 0
      ? Effect.succeedNone
      : Effect.map(Format.parse(bytes.value, source), (contents) =>
          Option.some({ contents, size: bytes.value.length })
        )
  )

  const open = (asked: Format.Header) =>
    Effect.gen(function* () {
      const existing = yield* load
      if (Option.isSome(existing)) {
        const { contents, size } = existing.value
        const differences = Format.differences(contents.header, asked)
        if (differences.length > 0) return yield* new SessionMismatch({ source, differences })
        // a torn last line would otherwise be glued to the next entry
        if (contents.complete < size) yield* store.truncate(contents.complete)
      } else {
        yield* store.create(Format.headerLine(asked, yield* Clock.currentTimeMillis))
      }
      const appender = yield* store.appender

      const pending: Array<string> = []
      let failure: JournalError | undefined
      let unsynced = false
      let lastSync = yield* Clock.currentTimeMillis
      const lock = yield* Effect.makeSemaphore(1)
      // a signal per batch: offered when the first entry of a batch arrives
      const arrived = yield* Queue.sliding<void>(1)

      // uninterruptible: lines taken from `pending` are written, whatever happens to the caller
      const writeOut = (sync: boolean) =>
        lock
          .withPermits(1)(
            Effect.suspend(() => {
              if (failure !== undefined) return Effect.fail(failure)
              const lines = pending.splice(0)
              return Effect.gen(function* () {
                if (lines.length > 0) {
                  yield* appender.write(encoder.encode(lines.join("")))
                  unsynced = true
                }
                const now = yield* Clock.currentTimeMillis
                if (unsynced && (sync || now - lastSync >= Duration.toMillis(syncInterval))) {
                  yield* appender.sync
                  unsynced = false
                  lastSync = now
                }
              }).pipe(
                Effect.tapError((error) =>
                  Effect.sync(() => {
                    failure = error
                  })
                )
              )
            })
          )
          .pipe(Effect.uninterruptible)

      yield* Effect.forkScoped(
        Effect.forever(
          Queue.take(arrived).pipe(
            Effect.zipRight(Effect.sleep(batchWindow)),
            Effect.zipRight(Effect.ignore(writeOut(false)))
          )
        )
      )
      // runs before the fiber above is interrupted and the file closed: nothing appended is left behind
      yield* Effect.addFinalizer(() => Effect.ignore(writeOut(true)))

      const append = (entry: Format.EntryInput) =>
        Effect.flatMap(Clock.currentTimeMillis, (at) => {
          if (failure !== undefined) return Effect.fail(failure)
          const stamped = Format.stamp(entry, at)
          if (!isEntry(stamped)) {
            const checked = validateEntry(stamped)
            const why = Either.isLeft(checked) ? ParseResult.TreeFormatter.formatErrorSync(checked.left) : ""
            return Effect.fail(
              new JournalError({ source, reason: `refused an entry for ${entry.id}: ${why}` })
            )
          }
          pending.push(`${JSON.stringify(stamped)}\n`)
          if (pending.length >= batchSize) return writeOut(false)
          return pending.length === 1 ? Queue.offer(arrived, undefined) : Effect.void
        })

      return {
        header: Option.isSome(existing) ? existing.value.contents.header : asked,
        previous: Option.isSome(existing) ? existing.value.contents.entries : new Map(),
        resumed: Option.isSome(existing),
        append: (entry) => Effect.asVoid(append(entry)),
        flush: writeOut(true)
      } satisfies Session
    })

  return {
    source,
    read: Effect.map(
      load,
      Option.map(({ contents }) => contents)
    ),
    open
  }
}

/** Opens the context's journal for a run asking `header` (see `JournalService.open`). */
export const open = (header: Format.Header) => Effect.flatMap(Journal, (journal) => journal.open(header))

/** The journal in the file `path`, through the platform `FileSystem`. */
export const layerFile = (path: string): Layer.Layer<Journal, never, FileSystem.FileSystem | Path.Path> =>
  Layer.effect(Journal, Effect.map(Stores.file(path), make))

/** A journal in memory and what it holds (what a crash would leave), how many writes and syncs. */
export const makeMemory = (initial?: string) => {
  const store = Stores.memory(initial)
  return {
    layer: Layer.succeed(Journal, make(store)),
    contents: store.contents,
    writes: store.writes,
    syncs: store.syncs
  }
}

/** A journal in memory, holding `initial` to begin with: the same code as a file's, for tests. */
export const layerMemory = (initial?: string): Layer.Layer<Journal> => makeMemory(initial).layer
