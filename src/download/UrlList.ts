/**
 * Lists of URLs as aria2's and wget's `-i` read them: one URL a line, optionally followed by whitespace
 * and `out=NAME`; blank lines and `#` comments ignored. And the file each URL is saved as: its last path
 * segment made safe (never outside dest, never hidden), or its `out=` name, unique within the list.
 */
import * as Data from "effect/Data"
import * as Either from "effect/Either"
import { numbered, safeFileName } from "./Destination.js"

/** One URL to download, and the name its file should get, if the list says. */
export interface UrlItem {
  readonly url: string
  readonly out?: string | undefined
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

/** Parses one line (its text, already decoded); `undefined` for a blank line or a comment. */
export const parseLine = (text: string, line: number): Either.Either<UrlItem | undefined, BadListLine> => {
  const bad = (reason: string) => Either.left(new BadListLine({ line, reason }))
  const trimmed = text.trim()
  if (trimmed === "" || trimmed.startsWith("#")) return Either.right(undefined)
  const [first = "", ...rest] = trimmed.split(/[ \t]+/)
  let out: string | undefined
  for (const option of rest) {
    if (!option.startsWith("out="))
      return bad(`a URL cannot contain spaces, and only out=NAME may follow it: ${trimmed}`)
    if (out !== undefined) return bad("out= given twice")
    out = option.slice(4)
    if (out === "" || out !== safeFileName(out)) {
      return bad(`out=${out} is not a plain file name (no folders, no leading dot, no control characters)`)
    }
  }
  if (!/^[a-z][a-z0-9+.-]*:/i.test(first)) return bad(`not a URL (it needs http:// or https://): ${first}`)
  let url: URL
  try {
    url = new URL(first)
  } catch {
    return bad(`not a URL: ${first}`)
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return bad(`only http and https URLs are downloaded, not ${url.protocol}`)
  }
  return Either.right(out === undefined ? { url: url.href } : { url: url.href, out })
}

/**
 * Parses a whole list, given as bytes: every URL in order, or every bad line (each with its number)
 * so that all of them are reported before any request is made.
 */
export const parse = (
  bytes: Uint8Array
): Either.Either<ReadonlyArray<UrlItem>, ReadonlyArray<BadListLine>> => {
  const items: Array<UrlItem> = []
  const errors: Array<BadListLine> = []
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
    Either.match(parseLine(text, line), {
      onLeft: (error) => errors.push(error),
      onRight: (item) => {
        if (item !== undefined) items.push(item)
      }
    })
  }
  return errors.length > 0 ? Either.left(errors) : Either.right(items)
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
  const taken = new Set<string>()
  return (item, parsed) => {
    const base = item.out ?? nameFromUrl(parsed ?? item.url)
    let name = base
    for (let n = 1; taken.has(name.toLowerCase()); n++) name = numbered(base, n)
    taken.add(name.toLowerCase())
    return name
  }
}
