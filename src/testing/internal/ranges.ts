/** `Range` and `If-Range` as RFC 9110 (§14.1.2, §13.1.5) has a server read them. */

/** A slice of the file: `from` inclusive, `to` exclusive. */
export interface ByteRange {
  readonly from: number
  readonly to: number
}

const spec = /^(\d*)-(\d*)$/

/**
 * The slice `Range: bytes=…` asks of a file of `total` bytes, `"unsatisfiable"` (a 416), or `undefined`
 * when the server ignores the header: another unit, bad syntax, or several ranges (which would need a
 * multipart answer this server does not make, and RFC 9110 lets a server ignore any Range).
 */
export const parseRange = (header: string, total: number): ByteRange | "unsatisfiable" | undefined => {
  const equals = header.indexOf("=")
  if (equals === -1 || header.slice(0, equals).trim().toLowerCase() !== "bytes") return undefined
  const specs = header
    .slice(equals + 1)
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
  const match = specs.length === 1 ? spec.exec(specs[0] ?? "") : null
  if (match === null) return undefined
  const [, first = "", last = ""] = match
  if (first === "") {
    // a suffix: the last N bytes
    if (last === "") return undefined
    const suffix = Number(last)
    return suffix === 0 || total === 0 ? "unsatisfiable" : { from: Math.max(0, total - suffix), to: total }
  }
  const from = Number(first)
  if (last !== "" && Number(last) < from) return undefined
  if (from >= total) return "unsatisfiable"
  return { from, to: last === "" ? total : Math.min(total, Number(last) + 1) }
}

const weak = (tag: string) => tag.startsWith("W/")

/**
 * Whether `If-Range` lets the range through: an entity tag strongly equal to the current ETag (neither
 * weak), or an HTTP date exactly the current Last-Modified.
 */
export const ifRangeHolds = (
  validator: string,
  current: { readonly etag?: string | undefined; readonly lastModified?: string | undefined }
): boolean => {
  const value = validator.trim()
  if (value.startsWith('"') || weak(value)) {
    return current.etag !== undefined && !weak(value) && !weak(current.etag) && value === current.etag
  }
  return current.lastModified !== undefined && value === current.lastModified
}
