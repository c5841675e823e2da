/**
 * The `.netrc` file curl, wget and ftp read credentials from (`--netrc`, `--netrc-file FILE`):
 * `machine HOST login USER password PASS` entries and a `default` one, tokens separated by any white
 * space, double-quoted tokens with `\"`, `\\`, `\n`, `\r`, `\t` escapes (as curl reads them), `macdef`
 * macros skipped to the next blank line, `#` comments to the end of their line.
 */
import * as Data from "effect/Data"
import * as Either from "effect/Either"
import type { Credentials } from "./UrlList.js"

/** The credentials of one machine (or of `default`, whose `machine` is undefined). */
export interface NetrcEntry {
  readonly machine: string | undefined
  readonly login: string | undefined
  readonly password: string | undefined
}

/** A netrc file that cannot be read as one; the reason never quotes a password. */
export class BadNetrc extends Data.TaggedError("BadNetrc")<{
  readonly line: number
  readonly reason: string
}> {
  override get message() {
    return `line ${this.line}: ${this.reason}`
  }
}

interface Token {
  readonly text: string
  readonly line: number
}

const escapes: Readonly<Record<string, string>> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\" }

/** The file's tokens, with `macdef` bodies and comments left out. */
const tokensOf = (text: string): Either.Either<ReadonlyArray<Token>, BadNetrc> => {
  const tokens: Array<Token> = []
  let line = 1
  let i = 0
  while (i < text.length) {
    const c = text[i] as string
    if (c === "\n") {
      line++
      i++
    } else if (/\s/.test(c)) {
      i++
    } else if (c === "#") {
      while (i < text.length && text[i] !== "\n") i++
    } else if (c === '"') {
      let value = ""
      const start = line
      i++
      for (;;) {
        if (i >= text.length)
          return Either.left(new BadNetrc({ line: start, reason: "a quoted token is not closed" }))
        const d = text[i] as string
        if (d === '"') break
        if (d === "\\" && i + 1 < text.length) {
          const next = text[i + 1] as string
          value += escapes[next] ?? next
          i += 2
          continue
        }
        if (d === "\n") line++
        value += d
        i++
      }
      i++
      tokens.push({ text: value, line: start })
    } else {
      let end = i
      while (end < text.length && !/\s/.test(text[end] as string)) end++
      const word = text.slice(i, end)
      tokens.push({ text: word, line })
      i = end
      if (word === "macdef") {
        // the macro's name, then its lines up to the first empty one
        const blank = text.indexOf("\n\n", i)
        const skipped = text.slice(i, blank === -1 ? text.length : blank + 2)
        line += skipped.split("\n").length - 1
        i = blank === -1 ? text.length : blank + 2
        tokens.pop()
      }
    }
  }
  return Either.right(tokens)
}

/** Parses a netrc file's text: its entries in order, or the first line that is not netrc. */
export const parse = (text: string): Either.Either<ReadonlyArray<NetrcEntry>, BadNetrc> =>
  Either.flatMap(tokensOf(text), (tokens) => {
    const entries: Array<{ machine: string | undefined; login?: string; password?: string }> = []
    let current: (typeof entries)[number] | undefined
    for (let i = 0; i < tokens.length; i++) {
      const { text: keyword, line } = tokens[i] as Token
      const value = () => {
        const next = tokens[i + 1]
        i++
        return next?.text
      }
      switch (keyword) {
        case "machine": {
          const machine = value()
          if (machine === undefined)
            return Either.left(new BadNetrc({ line, reason: "machine needs a host name" }))
          current = { machine }
          entries.push(current)
          break
        }
        case "default":
          current = { machine: undefined }
          entries.push(current)
          break
        case "login":
        case "password":
        case "account": {
          const given = value()
          if (current === undefined) {
            return Either.left(
              new BadNetrc({ line, reason: `${keyword} comes before any machine or default` })
            )
          }
          if (given === undefined)
            return Either.left(new BadNetrc({ line, reason: `${keyword} needs a value` }))
          if (keyword !== "account") current[keyword] = given
          break
        }
        default:
          // never echo the token: it may be a password whose keyword was mistyped
          return Either.left(new BadNetrc({ line, reason: "a word that is not a netrc keyword" }))
      }
    }
    return Either.right(
      entries.map((entry) => ({ machine: entry.machine, login: entry.login, password: entry.password }))
    )
  })

/** The credentials for `hostname`: its machine's entry (the first, case-insensitive), else `default`'s. */
export const credentialsFor = (
  entries: ReadonlyArray<NetrcEntry>,
  hostname: string
): Credentials | undefined => {
  const host = hostname.toLowerCase()
  const entry =
    entries.find((e) => e.machine !== undefined && e.machine.toLowerCase() === host) ??
    entries.find((e) => e.machine === undefined)
  return entry === undefined || entry.login === undefined
    ? undefined
    : { username: entry.login, password: entry.password ?? "" }
}
