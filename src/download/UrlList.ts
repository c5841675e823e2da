/**
 * Lists of URLs as aria2's and wget's `-i` read them: one file a line — its URL, then (after tabs, as
 * aria2 writes them) mirrors of the same file, then options `out=NAME`, `checksum=TYPE=HEX` and
 * `header=Name: value` — and aria2's option lines, indented, below the line they belong to; blank
 * lines and `#` comments ignored. A URL's credentials (`https://user:pass@host/…`) are taken out of it,
 * so that the URL can be shown and journaled. And the file each URL is saved as: its last path segment
 * made safe (never outside dest, never hidden), or its `out=` name, unique within the list.
 */
import * as Data from "effect/Data"
import * as Either from "effect/Either"
import { type ExpectedChecksum, parse as parseChecksum } from "./Checksum.js"
import { distinctNames, safeFileName } from "./Destination.js"

/** A user and password for a URL's host (from its userinfo, or a netrc file). */
export interface Credentials {
  readonly username: string
  readonly password: string
}

/** One file to download: where it is (and its mirrors), and what the list says about it. */
export interface UrlItem {
  /** The URL, without credentials: how the file is shown, journaled and named. */
  readonly url: string
  readonly out?: string | undefined
  /** Other URLs of the same file, tried in order when the one before fails (aria2's tab-separated URIs). */
  readonly mirrors?: ReadonlyArray<string> | undefined
  /** The digest the file must have; a file that differs is not kept under its name. */
  readonly checksum?: ExpectedChecksum | undefined
  /** Headers sent with this file's requests only, besides the run's (`header=Name: value`). */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** The URL's userinfo, sent as Basic authorization to its origin only. */
  readonly credentials?: Credentials | undefined
}

/** A line of a list that is not a URL to download; `line` counts from 1. */
export class BadListLine extends Data.TaggedError("BadListLine")<{
  readonly line: number
  readonly reason: string
}> {
  override get message() {
    return `line ${this.line}: ${this.reason}`
  }
}

/** The longest line read, in bytes (aria2 reads lines up to 4 KiB; a URL over 8 KiB is no URL of a file). */
const maxLineBytes = 8 * 1024

const utf8 = new TextDecoder("utf-8", { fatal: true })

const options = ["out", "checksum", "header"] as const
type OptionName = (typeof options)[number]
const isOptionName = (name: string): name is OptionName => (options as ReadonlyArray<string>).includes(name)
const looksLikeUrl = (token: string) => /^[a-z][a-z0-9+.-]*:/i.test(token)
const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/** A header as `Name: value` gives it (a list's `header=`, the CLI's `-H`): its name in lowercase and its value. */
export const parseHeader = (text: string): readonly [name: string, value: string] | undefined => {
  const colon = text.indexOf(":")
  const name = text.slice(0, colon).trim()
  return colon === -1 || !headerName.test(name)
    ? undefined
    : [name.toLowerCase(), text.slice(colon + 1).trim()]
}

/** A URL's text as it may be shown: its password, if any, replaced by `***`. */
const withoutCredentials = (text: string): string => text.replace(/(\/\/[^/@:\s]*:)[^/@\s]*@/, "$1***@")

/** A URL of the list: http or https, its credentials apart. */
const parseUrl = (
  text: string
): Either.Either<{ readonly url: string; readonly credentials?: Credentials | undefined }, string> => {
  if (!looksLikeUrl(text))
    return Either.left(`not a URL (it needs http:// or https://): ${withoutCredentials(text)}`)
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return Either.left(`not a URL: ${withoutCredentials(text)}`)
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return Either.left(`only http and https URLs are downloaded, not ${url.protocol}`)
  }
  if (url.username === "" && url.password === "") return Either.right({ url: url.href })
  const credentials = {
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password)
  }
  url.username = ""
  url.password = ""
  return Either.right({ url: url.href, credentials })
}

/** What an item is being built from: its URL line, then its option lines. */
interface Draft {
  url: string
  credentials?: Credentials | undefined
  mirrors: Array<string>
  out?: string | undefined
  checksum?: ExpectedChecksum | undefined
  headers?: Record<string, string> | undefined
}

/** Applies `name=value` to the item; a reason when it cannot be. */
const applyOption = (draft: Draft, name: OptionName, value: string): string | undefined => {
  switch (name) {
    case "out":
      if (draft.out !== undefined) return "out= given twice"
      if (value === "" || value !== safeFileName(value)) {
        return `out=${value} is not a plain file name (no folders, no leading dot, no control characters)`
      }
      draft.out = value
      return undefined
    case "checksum": {
      if (draft.checksum !== undefined) return "checksum= given twice"
      return Either.match(parseChecksum(value), {
        onLeft: (problem) => `checksum=${value}: ${problem}`,
        onRight: (checksum) => {
          draft.checksum = checksum
          return undefined
        }
      })
    }
    case "header": {
      const header = parseHeader(value)
      // the value is never echoed: it may be a token
      if (header === undefined) return "header= needs a name, a colon and a value: give header=Name: value"
      draft.headers = { ...draft.headers, [header[0]]: header[1] }
      return undefined
    }
  }
}

const itemOf = (draft: Draft): UrlItem => ({
  url: draft.url,
  ...(draft.out === undefined ? {} : { out: draft.out }),
  ...(draft.mirrors.length === 0 ? {} : { mirrors: draft.mirrors }),
  ...(draft.checksum === undefined ? {} : { checksum: draft.checksum }),
  ...(draft.headers === undefined ? {} : { headers: draft.headers }),
  ...(draft.credentials === undefined ? {} : { credentials: draft.credentials })
})

/** An option line's `name=value`, if the line is one (indented, and not a URL). */
const optionLine = (text: string): { readonly name: string; readonly value: string } | undefined => {
  if (!/^[ \t]/.test(text)) return undefined
  const trimmed = text.trim()
  const match = /^([a-z][a-z0-9-]*)=(.*)$/i.exec(trimmed)
  return match === null || looksLikeUrl(trimmed)
    ? undefined
    : { name: match[1] as string, value: match[2] as string }
}

/** Parses a URL line (its text, already decoded): the item it starts, or a reason. */
const parseUrlLine = (trimmed: string): Either.Either<Draft, string> => {
  // fields between tabs are URLs of one file (aria2); spaces separate a field's options
  const tokens = [...trimmed.matchAll(/([ \t]*)([^ \t]+)/g)].map((m) => ({
    afterTab: (m[1] ?? "").includes("\t"),
    text: m[2] as string,
    index: m.index + (m[1] ?? "").length
  }))
  const [first, ...rest] = tokens
  const parsed = parseUrl(first?.text ?? "")
  if (Either.isLeft(parsed)) return Either.left(parsed.left)
  const draft: Draft = { ...parsed.right, mirrors: [] }
  for (const token of rest) {
    const equals = token.text.indexOf("=")
    const name = token.text.slice(0, equals)
    if (equals > 0 && isOptionName(name) && !looksLikeUrl(token.text)) {
      // a header's value has spaces: it is the rest of the line
      const value = name === "header" ? trimmed.slice(token.index + equals + 1) : token.text.slice(equals + 1)
      const problem = applyOption(draft, name, value)
      if (problem !== undefined) return Either.left(problem)
      if (name === "header") break
      continue
    }
    if (
      token.afterTab &&
      looksLikeUrl(token.text) &&
      draft.out === undefined &&
      draft.checksum === undefined
    ) {
      const mirror = parseUrl(token.text)
      if (Either.isLeft(mirror)) return Either.left(`mirror ${mirror.left}`)
      if (mirror.right.credentials !== undefined) return Either.left("a mirror cannot carry credentials")
      draft.mirrors.push(mirror.right.url)
      continue
    }
    return Either.left(
      `a URL cannot contain spaces; mirrors of the file follow it after tabs, then out=NAME, checksum=TYPE=HEX, header=Name: value (found ${JSON.stringify(withoutCredentials(token.text))} after the URL)`
    )
  }
  return Either.right(draft)
}

/** Parses one URL line (its text, already decoded); `undefined` for a blank line or a comment. */
export const parseLine = (text: string, line: number): Either.Either<UrlItem | undefined, BadListLine> => {
  const trimmed = text.trim()
  if (trimmed === "" || trimmed.startsWith("#")) return Either.right(undefined)
  return Either.mapBoth(parseUrlLine(trimmed), {
    onLeft: (reason) => new BadListLine({ line, reason }),
    onRight: itemOf
  })
}

/**
 * Parses a whole list, given as bytes: every URL in order, or every bad line (each with its number)
 * so that all of them are reported before any request is made.
 */
export const parse = (
  bytes: Uint8Array
): Either.Either<ReadonlyArray<UrlItem>, ReadonlyArray<BadListLine>> => {
  const drafts: Array<Draft> = []
  const errors: Array<BadListLine> = []
  // the item an indented option line belongs to: the URL line right above (or its option lines)
  let current: Draft | undefined
  let start = 0
  for (let line = 1; start <= bytes.length; line++) {
    let end = bytes.indexOf(0x0a, start)
    if (end === -1) end = bytes.length
    const raw = bytes.subarray(start, end > start && bytes[end - 1] === 0x0d ? end - 1 : end)
    start = end + 1
    if (raw.length > maxLineBytes) {
      errors.push(new BadListLine({ line, reason: `longer than ${maxLineBytes} bytes` }))
      continue
    }
    let text: string
    try {
      text = utf8.decode(raw)
    } catch {
      errors.push(new BadListLine({ line, reason: "not UTF-8 text" }))
      continue
    }
    const trimmed = text.trim()
    if (trimmed === "" || trimmed.startsWith("#")) {
      current = undefined
      continue
    }
    const option = optionLine(text)
    if (option !== undefined) {
      const problem =
        current === undefined
          ? `${option.name}= is an option line (indented), and needs a URL line right above it`
          : isOptionName(option.name)
            ? applyOption(current, option.name, option.value)
            : `${option.name}= is not an option read here (out=, checksum=, header=)`
      if (problem !== undefined) errors.push(new BadListLine({ line, reason: problem }))
      continue
    }
    Either.match(parseUrlLine(trimmed), {
      onLeft: (reason) => {
        errors.push(new BadListLine({ line, reason }))
        current = undefined
      },
      onRight: (draft) => {
        drafts.push(draft)
        current = draft
      }
    })
  }
  return errors.length > 0 ? Either.left(errors) : Either.right(drafts.map(itemOf))
}

/** The name a URL's file gets from the URL itself: its last path segment, made safe; `index.html` for none. */
export const nameFromUrl = (url: string | URL): string => {
  const segments = (typeof url === "string" ? new URL(url) : url).pathname.split("/")
  let last = segments[segments.length - 1] ?? ""
  try {
    last = decodeURIComponent(last)
  } catch {
    // a stray % is kept as it is
  }
  const safe = safeFileName(last)
  return safe === "" ? "index.html" : safe
}

/**
 * A namer for the files of one list: each item's `out=` or URL name, numbered (`index-1.html`) when an
 * earlier item of the list has it already. Called in the list's order, it names every file the same
 * way on every run. `parsed` is the item's URL parsed already, if it is.
 */
export const namer = (): ((item: UrlItem, parsed?: URL) => string) => {
  const distinct = distinctNames()
  return (item, parsed) => distinct(item.out ?? nameFromUrl(parsed ?? item.url))
}

/**
 * The file name a `Content-Disposition` answer gives (wget's and curl's `--content-disposition`), made
 * safe as every name is: RFC 6266's `filename*=UTF-8''…` first, else `filename="…"` or `filename=…`;
 * a path in it keeps only its last segment. `undefined` when it names no usable file.
 */
export const nameFromContentDisposition = (header: string): string | undefined => {
  const extended = /(?:^|;)\s*filename\*\s*=\s*([^;]*)/i.exec(header)?.[1]?.trim()
  let name: string | undefined
  const encoded = extended === undefined ? undefined : /^([\w!#$%&+^`{}~-]+)'[^']*'(.*)$/.exec(extended)
  if (encoded !== undefined && encoded !== null) {
    const charset = (encoded[1] ?? "").toLowerCase()
    try {
      name =
        charset === "utf-8"
          ? decodeURIComponent(encoded[2] ?? "")
          : charset === "iso-8859-1"
            ? unescape(encoded[2] ?? "")
            : undefined
    } catch {
      name = undefined
    }
  }
  if (name === undefined) {
    const plain = /(?:^|;)\s*filename\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/i.exec(header)?.[1]?.trim()
    name = plain?.startsWith('"') === true ? plain.slice(1, -1).replace(/\\(.)/g, "$1") : plain
  }
  if (name === undefined) return undefined
  const safe = safeFileName(name.split(/[/\\]/).pop() ?? "")
  return safe === "" ? undefined : safe
}
