/**
 * Conditional requests to the flag server (RFC 9110): whether the client's `If-None-Match` or
 * `If-Modified-Since` says it has the file already, and the `304 Not Modified` it then gets.
 */
import type { Reply } from "./flagReplies.js"

/** A request's conditional headers, as sent (`If-None-Match`, `If-Modified-Since`). */
export interface Conditions {
  readonly ifNoneMatch: string | undefined
  readonly ifModifiedSince: string | undefined
}

const empty = new Uint8Array(0)

const opaque = (tag: string) => (tag.startsWith("W/") ? tag.slice(2) : tag)

// RFC 9110 13.1.2-3 and 13.2.2: If-None-Match (weak comparison) decides when sent, If-Modified-Since
// only without it; a date that does not parse is ignored, as the RFC says
const unchanged = (headers: Reply["headers"], conditions: Conditions): boolean => {
  const etag = headers.etag
  if (conditions.ifNoneMatch !== undefined) {
    if (etag === undefined) return false
    const tags = conditions.ifNoneMatch.split(",").map((tag) => tag.trim())
    return tags.includes("*") || tags.some((tag) => opaque(tag) === opaque(etag))
  }
  const modified = headers["last-modified"]
  if (conditions.ifModifiedSince === undefined || modified === undefined) return false
  const since = Date.parse(conditions.ifModifiedSince)
  return !Number.isNaN(since) && Date.parse(modified) <= since
}

/** `reply`, or a 304 with its validators when the request's conditions say the client has it. */
export const conditional = (reply: Reply, conditions: Conditions | undefined): Reply => {
  if (conditions === undefined || reply.status !== 200 || !unchanged(reply.headers, conditions)) return reply
  const { etag, "last-modified": modified } = reply.headers
  return {
    status: 304,
    headers: {
      ...(etag === undefined ? {} : { etag }),
      ...(modified === undefined ? {} : { "last-modified": modified })
    },
    body: empty,
    transfer: { _tag: "None" }
  }
}

/** Whether a request asks nothing conditionally. */
export const noConditions = (conditions: Conditions | undefined) =>
  conditions === undefined ||
  (conditions.ifNoneMatch === undefined && conditions.ifModifiedSince === undefined)
