/**
 * One file of any size, streamed to disk and resumable (curl's `-C -`, wget's `-c`, aria2's control
 * file): the body goes to `.NAME.partial` in dest as it arrives, hashed on its way, and is renamed to
 * NAME once whole (and its checksum, if given, matches). A transfer broken off — a reset, a timeout,
 * Ctrl-C, `kill -9` — leaves the partial file and its description; the next attempt asks for the rest
 * with `Range: bytes=N-` and `If-Range` (the `ETag`, or `Last-Modified`, the first answer had). A 206
 * appends; a 200 means the server ignores ranges or the file changed, so it starts again from zero; a
 * 416 whose length is what is on disk means the file was whole already. Bytes of two versions of a
 * file are never spliced: no validator, no resume. Works on any `HttpClient`.
 */
import type * as PlatformError from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Path from "@effect/platform/Path"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Checksum from "./Checksum.js"
import {
  BodyTooLarge,
  ChecksumMismatch,
  type DiskFull,
  diskFullOf,
  type RequestError,
  SaveError,
  TransportError,
  withoutStack
} from "./DownloadErrors.js"
import * as HttpGet from "./HttpGet.js"
import type { Expected } from "./internal/contentTypes.js"
import { type WriteFailed, writeBody } from "./internal/fileBody.js"
import * as PartialFile from "./internal/partialFile.js"
import type * as RequestPhases from "./RequestPhases.js"
import * as UrlList from "./UrlList.js"

/** One file to fetch into dest. */
export interface Target {
  readonly url: string
  readonly dest: string
  /** Its name in dest (made safe already, see `Destination.safeFileName`). */
  readonly name: string
  /** What content types are accepted (default: any). */
  readonly expected?: Expected | undefined
  /** Sent with every request for it (credentials among them: never shown, never journaled). */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** Resume a partial download of it left in dest (default); `false` starts from zero. */
  readonly resume?: boolean | undefined
  /** The digest the whole file must have. */
  readonly checksum?: Checksum.ExpectedChecksum | undefined
  /**
   * `If-None-Match` / `If-Modified-Since` for a copy in dest already: a 304 then leaves it as it is
   * (`NotModified`), a 200 replaces it.
   */
  readonly conditions?: Readonly<Record<string, string>> | undefined
  /**
   * Takes the name the server gives the file (`Content-Disposition`, made safe; wget's
   * `--content-disposition`) and says the name to save it under, once it is whole: without it, or
   * when the server gives none, the file is saved as `name`.
   */
  readonly serverName?: ((given: string) => Effect.Effect<string, never, Deps>) | undefined
  /** Told the bytes on disk and the whole length (when known) after each chunk written. */
  readonly onProgress?: ((bytes: number, length: number | undefined) => Effect.Effect<void>) | undefined
  /**
   * Told what a later attempt could resume from: every `keptInterval` of Clock time while the body
   * comes, and once more when the transfer stops short (a failure, an interruption) with bytes kept.
   */
  readonly onKept?: ((kept: Kept) => Effect.Effect<void>) | undefined
}

/** A partial download kept in dest, resumable: its file, its bytes written, and the answer's validators. */
export interface Kept {
  /** The partial file's name in dest (`.NAME.partial`). */
  readonly file: string
  /** Bytes written to it: a killed process cannot lose them (they are the operating system's). */
  readonly bytes: number
  /** The whole file's length, when the server said it. */
  readonly length: number | undefined
  readonly etag: string | undefined
  readonly lastModified: string | undefined
}

/** The longest `onKept` waits between two reports while a body comes. */
export const keptInterval: Duration.Duration = Duration.seconds(2)

/**
 * The names a partial download of `name` has in dest: its bytes (`.NAME.partial`) and its description
 * (`.NAME.partial.json`). Neither can be a finished file's name: those never start with a dot.
 */
export const partialNames = (name: string): { readonly bytes: string; readonly info: string } =>
  PartialFile.partialNames(name)

/** Whether a name in dest is a partial download's (its bytes or its description). */
export const isPartialName = (name: string): boolean => PartialFile.isPartialName(name)

/** A file fetched whole into dest. */
export interface Transferred {
  readonly _tag: "Transferred"
  readonly file: string
  readonly size: number
  readonly sha256: string
  readonly etag: string | undefined
  readonly lastModified: string | undefined
  /** Bytes that were on disk already when this run took the file up (0: a download from the start). */
  readonly resumedFrom: number
}

/** The copy in dest is current: the server answered a conditional request with 304. */
export interface NotModified {
  readonly _tag: "NotModified"
  readonly etag: string | undefined
  readonly lastModified: string | undefined
}

/** What can stop a transfer: the request's failures, a checksum that differs, or dest refusing the bytes. */
export type TransferError = RequestError | ChecksumMismatch | SaveError | DiskFull

type Deps = FileSystem.FileSystem | Path.Path

/** A transfer that cannot go on as it is: the next attempt (if `retries` allows) takes it from what is kept. */
const broken = (url: string, reason: string) =>
  withoutStack(() => new TransportError({ url, reason, cause: undefined }))

/**
 * Fetches `target` into dest, resuming what an earlier attempt (or run) left, retrying as `options`
 * says from where each attempt stopped; each phase of each request gets `options.timeout`, and
 * `options.maxBytes` caps the whole file (`Infinity`: no cap).
 */
export const toFile = (
  target: Target,
  options: HttpGet.GatedOptions
): Effect.Effect<Transferred | NotModified, TransferError, Deps | HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const { url, dest, name } = target
    const names = PartialFile.partialNames(name)
    const partial = path.join(dest, names.bytes)
    const saveError = (cause: unknown) => withoutStack(() => new SaveError({ path: partial, cause }))
    const written = (failure: WriteFailed) => diskFullOf(partial, failure.error) ?? saveError(failure.error)

    const digests = () => {
      const sha256 = Checksum.digest("sha-256")
      const listed =
        target.checksum === undefined || target.checksum.algorithm === "sha-256"
          ? undefined
          : Checksum.digest(target.checksum.algorithm)
      return { sha256, listed }
    }
    type Digests = ReturnType<typeof digests>
    // what is on disk for this file, kept up to date as attempts write; `digests` have taken exactly
    // its `bytes` (none until they are needed), so an attempt that goes on need not hash them again
    const state: { bytes: number; info: PartialInfoState; digests: Digests | undefined } = {
      bytes: 0,
      info: undefined,
      digests: undefined
    }
    if (target.resume ?? true) {
      const found = yield* PartialFile.find(dest, name, url)
      if (Option.isSome(found)) {
        state.bytes = found.value.bytes
        state.info = found.value.info
      }
    } else {
      yield* PartialFile.remove(dest, name)
    }
    const resumedFrom = state.bytes
    const validator = () => (state.info === undefined ? undefined : PartialFile.ifRangeOf(state.info))
    const forget = () => {
      state.bytes = 0
      state.info = undefined
      state.digests = undefined
    }

    const headers = Effect.sync(() => {
      const since = validator()
      return state.bytes > 0 && since !== undefined
        ? { ...target.headers, range: `bytes=${state.bytes}-`, "if-range": since }
        : { ...target.headers, ...target.conditions }
    })
    // what an attempt could resume from now; none when nothing could be (no bytes, no validator)
    const kept = (): Kept | undefined =>
      state.bytes === 0 || validator() === undefined
        ? undefined
        : {
            file: names.bytes,
            bytes: state.bytes,
            length: state.info?.length,
            etag: state.info?.etag,
            lastModified: state.info?.lastModified
          }
    const onKept = target.onKept
    // set as each body starts: a body done within the interval is never reported
    let keptAt = 0
    const intervalMillis = Duration.toMillis(keptInterval)
    const reportKept = (force: boolean): Effect.Effect<void> =>
      onKept === undefined
        ? Effect.void
        : Effect.flatMap(Clock.currentTimeMillis, (now) => {
            const what = kept()
            if (what === undefined || (!force && now - keptAt < intervalMillis)) return Effect.void
            keptAt = now
            return onKept(what)
          })
    const onWritten = (length: number | undefined) => (bytes: number) => {
      state.bytes = bytes
      const progress = target.onProgress === undefined ? Effect.void : target.onProgress(bytes, length)
      return onKept === undefined ? progress : Effect.zipRight(progress, reportKept(false))
    }
    // the bytes on disk, digested again: what an append continues
    const digestOnDisk = (bytes: number): Effect.Effect<Digests, SaveError, FileSystem.FileSystem> =>
      Effect.gen(function* () {
        const d = digests()
        yield* fs.stream(partial, { bytesToRead: BigInt(bytes) }).pipe(
          Stream.runForEach((chunk) =>
            Effect.sync(() => {
              d.sha256.update(chunk)
              d.listed?.update(chunk)
            })
          ),
          Effect.mapError(saveError)
        )
        return d
      })
    // the digests of what is on disk now: those kept up to date, or the bytes read again
    const digestsSoFar = Effect.suspend(() =>
      state.digests === undefined ? digestOnDisk(state.bytes) : Effect.succeed(state.digests)
    )
    // a body into the partial file: from its start (a 200), or appended after `offset` bytes (a 206);
    // a body that ends short of the whole `length` is a broken transfer, whatever the client said
    const write = (
      response: HttpClientResponse.HttpClientResponse,
      offset: number,
      length: number | undefined,
      d: Digests,
      tracker: RequestPhases.PhaseTracker | undefined
    ) =>
      Effect.gen(function* () {
        // a write cut short (a full disk) may have left part of a chunk past what was counted
        if (offset > 0) yield* Effect.mapError(fs.truncate(partial, offset), saveError)
        keptAt = yield* Clock.currentTimeMillis
        yield* writeBody(response, {
          file: partial,
          append: offset > 0,
          offset,
          maxBytes: options.maxBytes,
          digests: [d.sha256, ...(d.listed === undefined ? [] : [d.listed])],
          bandwidth: options.bandwidth,
          tracker,
          onWritten: onWritten(length)
        }).pipe(
          // the digests are good for a next attempt only after the answer's failure (see `writeBody`)
          Effect.onExit((exit) =>
            Effect.sync(() => {
              if (Exit.isFailure(exit) && !Option.exists(Cause.failureOption(exit.cause), isResponseError)) {
                state.digests = undefined
              }
            })
          ),
          Effect.catchTag("WriteFailed", (failure) => Effect.fail(written(failure))),
          mapOversized(url, options.maxBytes)
        )
        if (length !== undefined && state.bytes !== length) {
          return yield* broken(url, `the body ended after ${state.bytes} of ${length} bytes`)
        }
      })
    const tooLarge = (length: number | undefined) =>
      length !== undefined && length > options.maxBytes
        ? Effect.fail(withoutStack(() => new BodyTooLarge({ url, limit: options.maxBytes })))
        : Effect.void

    // what is kept is hashed before any request, so that no answer waits on the disk meanwhile (a
    // gigabyte takes seconds: longer than a phase's timeout)
    // (a partial found has a validator: `PartialFile.find` keeps no other)
    if (state.bytes > 0) state.digests = yield* digestOnDisk(state.bytes)

    const fetched = yield* HttpGet.getRanged(
      url,
      options,
      target.expected ?? "any",
      headers,
      (
        answer,
        tracker
      ): Effect.Effect<
        NotModified | { digests: Digests; etag?: string | undefined; lastModified?: string | undefined },
        RequestError | SaveError | DiskFull | HttpClientError.ResponseError,
        Deps
      > => {
        switch (answer._tag) {
          case "NotModified":
            return Effect.succeed(answer)
          case "Whole":
            return Effect.gen(function* () {
              yield* tooLarge(answer.length)
              const given =
                target.serverName === undefined || answer.disposition === undefined
                  ? undefined
                  : UrlList.nameFromContentDisposition(answer.disposition)
              const info = {
                url,
                ...(given === undefined ? {} : { name: given }),
                ...(answer.etag === undefined ? {} : { etag: answer.etag }),
                ...(answer.lastModified === undefined ? {} : { lastModified: answer.lastModified }),
                ...(answer.length === undefined ? {} : { length: answer.length })
              }
              // described before the first byte: a run killed from here on leaves bytes that say what they are
              yield* Effect.mapError(PartialFile.describe(dest, name, info), saveError)
              state.info = info
              state.bytes = 0
              const d = digests()
              state.digests = d
              yield* write(answer.response, 0, answer.length, d, tracker)
              return { digests: d, etag: answer.etag, lastModified: answer.lastModified }
            })
          case "Rest":
            return Effect.gen(function* () {
              if (answer.start !== state.bytes) {
                const asked = state.bytes
                yield* PartialFile.remove(dest, name)
                forget()
                return yield* broken(
                  url,
                  `the server sent bytes from ${answer.start}, not ${asked}: starting again`
                )
              }
              yield* tooLarge(answer.length)
              const d = yield* digestsSoFar
              state.digests = d
              yield* write(answer.response, state.bytes, answer.length, d, tracker)
              return { digests: d, etag: state.info?.etag, lastModified: state.info?.lastModified }
            })
          case "PastEnd":
            return Effect.gen(function* () {
              if (answer.length !== undefined && answer.length === state.bytes && state.bytes > 0) {
                // the range began at the end: what is on disk is the whole file
                const d = yield* digestsSoFar
                return { digests: d, etag: state.info?.etag, lastModified: state.info?.lastModified }
              }
              yield* PartialFile.remove(dest, name)
              forget()
              return yield* broken(url, "the range asked is past the file's end: starting again")
            })
        }
      }
    ).pipe(
      // stopped short (failed, interrupted): what is kept, said once more, exactly
      Effect.onExit((exit) => (Exit.isSuccess(exit) ? Effect.void : reportKept(true)))
    )

    if ("_tag" in fetched) return fetched
    const size = state.bytes
    const sha256 = fetched.digests.sha256.hex()
    const checksum = target.checksum
    if (checksum !== undefined) {
      const actual = checksum.algorithm === "sha-256" ? sha256 : (fetched.digests.listed?.hex() ?? "")
      if (actual !== checksum.hex) {
        yield* PartialFile.remove(dest, name)
        return yield* Effect.fail(
          withoutStack(
            () => new ChecksumMismatch({ url, algorithm: checksum.algorithm, expected: checksum.hex, actual })
          )
        )
      }
    }
    const given = state.info?.name
    const saveAs =
      given === undefined || target.serverName === undefined ? name : yield* target.serverName(given)
    const file = path.join(dest, saveAs)
    yield* Effect.mapError(fs.rename(partial, file), (cause: PlatformError.PlatformError) =>
      withoutStack(() => new SaveError({ path: file, cause }))
    )
    yield* Effect.ignore(fs.remove(path.join(dest, names.info)))
    return {
      _tag: "Transferred",
      file: saveAs,
      size,
      sha256,
      etag: fetched.etag,
      lastModified: fetched.lastModified,
      resumedFrom
    } as const
  })

type PartialInfoState = PartialFile.PartialInfo | undefined

const isResponseError = (error: { readonly _tag: string }) => error._tag === "ResponseError"

const mapOversized =
  (url: string, maxBytes: number) =>
  <A, E extends { readonly _tag: string }, R>(self: Effect.Effect<A, E, R>) =>
    Effect.mapError(self, (error) =>
      error._tag === "Oversized" ? withoutStack(() => new BodyTooLarge({ url, limit: maxBytes })) : error
    ) as Effect.Effect<A, Exclude<E, { readonly _tag: "Oversized" }> | BodyTooLarge, R>
