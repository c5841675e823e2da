/**
 * A session journal's format: NDJSON, one header line saying what was asked, then one line per item
 * as it ended. Lines are only ever appended; the last of an item's lines is its state, and a last line
 * without its newline (a write cut short by `kill -9` or a power cut) is not a line at all.
 */
import * as Data from "effect/Data"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { type Status as OutcomeStatus, statuses } from "../download/Outcome.js"

/** The journal format this version writes and reads. */
export const version = 1

/**
 * How an item ended, as journaled: the downloader's `Outcome.Status`, or `PARTIAL`: not ended yet, its
 * body stopped short (or still coming) with `size` bytes kept in `file` (`.NAME.partial` in dest) for
 * a later run to continue.
 */
export const Status = Schema.Literal(...statuses, "PARTIAL")

/** How an item ended, as journaled. */
export type Status = OutcomeStatus | "PARTIAL"

// exact optionals: absent keys stay absent (and decode a third faster than `Schema.optional`, measured)
const opt = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { exact: true })

/** One item's line: how it ended, and for a saved file what proves it. */
export const Entry = Schema.Struct({
  /** The item: a country code, or a URL. */
  id: Schema.String,
  status: Status,
  /** The file's name inside dest. */
  file: opt(Schema.String),
  /** Its size in bytes. */
  size: opt(Schema.NonNegativeInt),
  /** Its SHA-256, lowercase hex. */
  sha256: opt(Schema.String.pipe(Schema.pattern(/^[0-9a-f]{64}$/))),
  /** The server's `ETag`, as sent. */
  etag: opt(Schema.String),
  /** The server's `Last-Modified`, as sent. */
  lastModified: opt(Schema.String),
  /** The file's modification time after the save (ms): unchanged since, a resume need not hash it. */
  mtime: opt(Schema.Number),
  /** Why, for `ERROR`. */
  error: opt(Schema.String),
  /** The list's checksum the file matched (`sha-512=HEX`), when the list gave one. */
  checksum: opt(Schema.String.pipe(Schema.pattern(/^sha-(1|256|512)=[0-9a-f]+$/))),
  /** When it ended: Clock milliseconds. */
  at: Schema.Number
})

/** One item's journaled end. */
export type Entry = typeof Entry.Type

/** An entry as given to `append`: optional fields may be `undefined`; the journal stamps `at`. */
export interface EntryInput {
  readonly id: string
  readonly status: Status
  readonly file?: string | undefined
  readonly size?: number | undefined
  readonly sha256?: string | undefined
  readonly etag?: string | undefined
  readonly lastModified?: string | undefined
  readonly mtime?: number | undefined
  readonly error?: string | undefined
  readonly checksum?: string | undefined
}

/** What a session is for: a code or URL, and for a URL the file name it was given (`out=`). */
export interface Item {
  readonly id: string
  readonly out?: string | undefined
}

/** What was asked that changes what is saved; a session resumes only the very same. */
export interface Header {
  readonly command: "download" | "fetch"
  /** The base URL (`flags download`); none for `flags fetch`, whose items are URLs. */
  readonly server?: string | undefined
  /** The destination, resolved. */
  readonly dest: string
  readonly extension?: string | undefined
  /** flags3: files named by country. */
  readonly names?: boolean | undefined
  readonly items: ReadonlyArray<Item>
}

const ItemJson = Schema.Union(Schema.String, Schema.Tuple(Schema.String, Schema.String))
const HeaderJson = Schema.Struct({
  journal: Schema.Literal("effect-flags session"),
  v: Schema.Literal(version),
  command: Schema.Literal("download", "fetch"),
  server: opt(Schema.String),
  dest: Schema.String,
  extension: opt(Schema.String),
  names: opt(Schema.Boolean),
  items: Schema.Array(ItemJson),
  at: Schema.Number
})
const decodeHeader = Schema.decodeUnknownEither(HeaderJson)
// an entry decodes to itself (no transformation): the guard keeps the parsed object, so a line costs one
// object, not two; the decoder runs only to say what is wrong with a line the guard refuses
const isEntry = Schema.is(Entry)
const decodeEntry = Schema.decodeUnknownEither(Entry)

/** A file (or store) that is not a session journal, or one of another format version. */
export class NotAJournal extends Data.TaggedError("NotAJournal")<{
  readonly source: string
  /** The line that gave it away (from 1). */
  readonly line: number
  readonly reason: string
  /** The format version it says it is, when it is a journal of another one. */
  readonly version?: number | undefined
}> {
  override get message() {
    return this.version === undefined
      ? `${this.source} is not a flags session journal (line ${this.line}: ${this.reason})`
      : `${this.source} is a session journal of format ${this.version}; this flags reads format ${version}`
  }
}

/** The header line (with its newline) of a new journal created at Clock time `at`. */
export const headerLine = (header: Header, at: number): string =>
  `${JSON.stringify({
    journal: "effect-flags session",
    v: version,
    command: header.command,
    server: header.server,
    dest: header.dest,
    extension: header.extension,
    names: header.names,
    items: header.items.map((item) => (item.out === undefined ? item.id : [item.id, item.out])),
    at
  })}\n`

/** The entry `input` stamped with `at`, its `undefined` fields left out (as an `Entry` has them). */
export const stamp = (input: EntryInput, at: number): Record<string, unknown> => {
  const entry: Record<string, unknown> = { id: input.id, status: input.status }
  for (const key of [
    "file",
    "size",
    "sha256",
    "etag",
    "lastModified",
    "mtime",
    "error",
    "checksum"
  ] as const) {
    if (input[key] !== undefined) entry[key] = input[key]
  }
  entry.at = at
  return entry
}

/** One entry's line, with its newline; `undefined` fields are left out. */
export const entryLine = (entry: EntryInput & { readonly at: number }): string =>
  `${JSON.stringify(stamp(entry, entry.at))}\n`

/** A journal as read: its header, and the last entry of each item. */
export interface Contents {
  readonly header: Header
  /** The last entry of each id, in the order the ids first ended. */
  readonly entries: ReadonlyMap<string, Entry>
  /** Entry lines read, every one (an item redone has several). */
  readonly lines: number
  /** Bytes of whole lines; a torn last line, ignored, is what lies beyond. */
  readonly complete: number
}

const firstIssue = (error: ParseResult.ParseError) => {
  const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
  return issue === undefined ? error.message : `${issue.path.join(".") || "line"}: ${issue.message}`
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

const headerOf = (json: unknown, source: string): Either.Either<Header, NotAJournal> => {
  const fields = (typeof json === "object" && json !== null ? json : {}) as Record<string, unknown>
  if (fields.journal !== "effect-flags session") {
    return Either.left(new NotAJournal({ source, line: 1, reason: "not a journal header" }))
  }
  if (fields.v !== version) {
    const v = typeof fields.v === "number" ? fields.v : undefined
    return Either.left(new NotAJournal({ source, line: 1, reason: `format ${String(fields.v)}`, version: v }))
  }
  return Either.match(decodeHeader(json), {
    onLeft: (error) => Either.left(new NotAJournal({ source, line: 1, reason: firstIssue(error) })),
    onRight: (json) =>
      Either.right({
        command: json.command,
        server: json.server,
        dest: json.dest,
        extension: json.extension,
        names: json.names,
        items: json.items.map((item) =>
          typeof item === "string" ? { id: item } : { id: item[0], out: item[1] }
        )
      })
  })
}

/**
 * Reads a journal's bytes: O(lines), each line decoded with `Schema`. A torn last line is left out
 * (`complete` says where it starts); any other line that is not the journal's is a `NotAJournal`.
 */
export const parse = (bytes: Uint8Array, source: string): Either.Either<Contents, NotAJournal> => {
  const complete = bytes.lastIndexOf(10) + 1
  const text = new TextDecoder().decode(bytes.subarray(0, complete))
  let end = text.indexOf("\n")
  if (end === -1) return Either.left(new NotAJournal({ source, line: 1, reason: "no complete line" }))
  const header = headerOf(parseJson(text.slice(0, end)), source)
  if (Either.isLeft(header)) return Either.left(header.left)
  const entries = new Map<string, Entry>()
  let line = 1
  for (let start = end + 1; start < text.length; start = end + 1) {
    line++
    end = text.indexOf("\n", start)
    const json = parseJson(text.slice(start, end))
    if (!isEntry(json)) {
      const issue = Either.match(decodeEntry(json), { onLeft: firstIssue, onRight: () => "not an entry" })
      return Either.left(new NotAJournal({ source, line, reason: `not an entry: ${issue}` }))
    }
    // the last entry of an id wins (a Map keeps the place of its first)
    entries.set(json.id, json)
  }
  return Either.right({ header: header.right, entries, lines: line - 1, complete })
}

/** What differs between a session's header and a run's (see `headerDifferences`). */
export { differences } from "./internal/headerDifferences.js"
