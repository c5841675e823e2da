/** The destination folder: file names that stay inside it, writes that are never partial, leftovers of a killed run. */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import { type DiskFull, diskFullOf, SaveError, withoutStack } from "./DownloadErrors.js"
import { withSpanWhenTraced } from "./internal/spans.js"

/** The destination cannot take files. */
export class DestinationError extends Data.TaggedError("DestinationError")<{
  readonly dest: string
  readonly reason: string
  readonly cause?: unknown
}> {
  override get message() {
    return `cannot write to ${this.dest}: ${this.reason}`
  }
}

/** Makes a country name safe as part of a file name: no separators, dots, controls or length tricks. */
const safeName = (country: string): string =>
  country
    .normalize("NFC")
    .replace(/[\p{Cc}\p{Cf}]/gu, "")
    .replace(/[/\\:*?"<>|]/g, "_")
    .replace(/\s+/g, "_")
    .replace(/\.{2,}/g, "_")
    .replace(/^[._-]+/, "")
    .slice(0, 80)
    .replace(/[._-]+$/, "")

/**
 * A whole file name made safe as `safeName` does, its extension kept when a long name is cut (at most
 * 120 characters): `../../etc/passwd` → `etc_passwd`, `.hidden` → `hidden`.
 */
export const safeFileName = (name: string): string => {
  const dot = name.lastIndexOf(".")
  const extension = dot > 0 ? safeName(name.slice(dot + 1)).slice(0, 16) : ""
  const stem = safeName(dot > 0 ? name.slice(0, dot) : name)
  if (stem === "") return extension === "" ? "" : extension
  return extension === "" ? stem.slice(0, 120) : `${stem.slice(0, 119 - extension.length)}.${extension}`
}

/** `name` with `-1`, `-2`, … before its extension: `index.html` → `index-1.html`. */
export const numbered = (name: string, n: number): string => {
  const dot = name.lastIndexOf(".")
  return dot <= 0 ? `${name}-${n}` : `${name.slice(0, dot)}-${n}${name.slice(dot)}`
}

/**
 * Names made distinct as they are given: a name given before (in any case: dest may be on a
 * case-insensitive disk) comes back numbered, `a.zip`, `a-1.zip`, `a-2.zip`.
 */
export const distinctNames = (): ((name: string) => string) => {
  const taken = new Set<string>()
  return (base) => {
    let name = base
    for (let n = 1; taken.has(name.toLowerCase()); n++) name = numbered(base, n)
    taken.add(name.toLowerCase())
    return name
  }
}

/** What to do when dest already has a file of the name: replace it, leave it (`SKIPPED`), or save under another name. */
export type OnExists = "overwrite" | "skip" | "rename"

/** `BR.png`, or with a country name (flags3) `Brazil-BR.png`: the code keeps every name unique. */
export const fileNameFor = (cc: string, extension: string, country?: string): string => {
  const name = country === undefined ? "" : safeName(country)
  return name === "" ? `${cc}.${extension}` : `${name}-${cc}.${extension}`
}

/**
 * Creates dest if missing (not its parents, as the book's `mkdir(exist_ok=True)`: a mistyped path
 * is an error, not a new tree) and proves it takes files, before any download starts.
 */
export const prepareDestination = (dest: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const fail = (reason: string) => (cause: unknown) => new DestinationError({ dest, reason, cause })
    yield* fs.makeDirectory(dest).pipe(
      Effect.catchIf(
        (error) => error._tag === "SystemError" && error.reason === "AlreadyExists",
        () => Effect.void
      ),
      Effect.mapError((error) =>
        fail(
          error._tag === "SystemError" && error.reason === "NotFound"
            ? "its parent folder does not exist"
            : "cannot create the folder"
        )(error)
      )
    )
    const info = yield* fs.stat(dest).pipe(Effect.mapError(fail("cannot read the folder")))
    if (info.type !== "Directory") return yield* new DestinationError({ dest, reason: "not a folder" })
    const probe = path.join(dest, `.flags-probe-${yield* Random.nextInt}`)
    // uninterruptible: a Ctrl-C between the write and the remove would leave the probe behind
    yield* fs
      .writeFile(probe, new Uint8Array())
      .pipe(
        Effect.ensuring(Effect.ignore(fs.remove(probe))),
        Effect.uninterruptible,
        Effect.mapError(fail("not writable"))
      )
  })

/**
 * Writes `body` to `dest/file` through a temporary file renamed into place: an error or an
 * interruption leaves the old file (if any) and no partial one; the temporary file is removed.
 */
export const saveFile = (
  dest: string,
  file: string,
  body: Uint8Array
): Effect.Effect<void, SaveError | DiskFull, FileSystem.FileSystem | Path.Path> =>
  Effect.flatMap(FileSystem.FileSystem, (fs) =>
    Effect.flatMap(Path.Path, (path) =>
      Effect.flatMap(Random.nextInt, (n) => {
        const target = path.join(dest, file)
        const temporary = path.join(dest, `.${file}.${n.toString(36)}.part`)
        // uninterruptible: an interrupted writeFile is abandoned, not awaited, so a removal right after
        // it could run before the file's creation and leave the temporary file behind (227 of 3000
        // interrupted saves did); the body is in memory and capped, so the write ends soon anyway
        return Effect.zipRight(fs.writeFile(temporary, body), fs.rename(temporary, target)).pipe(
          Effect.onError(() => Effect.ignore(fs.remove(temporary))),
          Effect.uninterruptible,
          Effect.mapError((cause) =>
            withoutStack(() => diskFullOf(temporary, cause) ?? new SaveError({ path: target, cause }))
          )
        )
      })
    )
  ).pipe(withSpanWhenTraced("Destination.saveFile", { file }))

// what `saveFile` writes before its rename (`Random.nextInt` is below 2^53: at most 11 base-36 digits),
// and `prepareDestination`'s probe; nothing else in dest has these names unless a run put it there
const leftover = /^\.(?:.+\.[0-9a-z]{1,11}\.part|flags-probe-\d{1,16})$/

/**
 * Removes from dest what a killed run left behind (`kill -9` skips every finalizer): the temporary
 * files of `saveFile` (`.{file}.{random}.part`) and the probe of `prepareDestination`, files with
 * exactly those names and nothing else. Returns the names removed. Call it before a run starts
 * saving: a temporary file of another run saving into the same dest at that moment would go too.
 */
export const removeLeftovers = (
  dest: string
): Effect.Effect<ReadonlyArray<string>, DestinationError, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    // a dest not made yet holds nothing left behind
    const names = yield* fs.readDirectory(dest).pipe(
      Effect.catchIf(
        (error) => error._tag === "SystemError" && error.reason === "NotFound",
        () => Effect.succeed([])
      ),
      Effect.mapError((cause) => new DestinationError({ dest, reason: "cannot read the folder", cause }))
    )
    const removed: Array<string> = []
    for (const name of names.filter((name) => leftover.test(name)).sort()) {
      const file = path.join(dest, name)
      const info = yield* Effect.option(fs.stat(file))
      if (Option.isNone(info) || info.value.type !== "File") continue
      yield* fs
        .remove(file)
        .pipe(
          Effect.mapError(
            (cause) =>
              new DestinationError({ dest, reason: `cannot remove ${name}, left by an earlier run`, cause })
          )
        )
      removed.push(name)
    }
    return removed
  })
