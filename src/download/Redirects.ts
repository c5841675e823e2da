/**
 * Following redirects, politely: within the same origin, or from `http:` to `https:` on the same host
 * (the upgrade the book's REMOTE site and many CDNs answer with); any other destination is refused.
 * A combinator over any `HttpClient`.
 */
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import { drain } from "./internal/cappedBody.js"
import { currentTracker } from "./RequestPhases.js"

/** A redirect pointed somewhere the policy does not follow. */
export class RedirectRefused extends Data.TaggedError("RedirectRefused")<{
  readonly from: string
  readonly to: string
}> {
  override get message() {
    const to = new URL(this.to)
    return `redirect to another origin refused: ${to.origin === "null" ? to.protocol : to.origin}`
  }
}

/** More redirects in a row than the policy follows. */
export class TooManyRedirects extends Data.TaggedError("TooManyRedirects")<{
  readonly url: string
  readonly limit: number
}> {
  override get message() {
    return "too many redirects"
  }
}

/** The default number of redirects followed in a row. */
const defaultMaxRedirects = 5

/** Whether a redirect from `from` to `to` is followed: the same origin, or an upgrade to https on the same host. */
export const isFollowed = (from: URL, to: URL): boolean =>
  (from.protocol === to.protocol && from.host === to.host) ||
  (from.protocol === "http:" && to.protocol === "https:" && from.hostname === to.hostname)

/** Redirect answers' bodies are read within this cap, so their connection serves the next hop. */
const redirectBodyCap = 64 * 1024

const isRedirect = (response: HttpClientResponse.HttpClientResponse) =>
  response.status >= 300 && response.status < 400 && response.headers.location !== undefined

/**
 * `client`, following the redirects `isFollowed` allows (at most `maxRedirects` in a row) to their
 * `Location`; a refused or endless redirect is a typed failure.
 */
export const follow =
  (options: { readonly maxRedirects?: number } = {}) =>
  <E, R>(
    client: HttpClient.HttpClient.With<E, R>
  ): HttpClient.HttpClient.With<E | RedirectRefused | TooManyRedirects, R> => {
    const limit = options.maxRedirects ?? defaultMaxRedirects
    const loop = (
      request: HttpClientRequest.HttpClientRequest,
      redirects: number
    ): Effect.Effect<HttpClientResponse.HttpClientResponse, E | RedirectRefused | TooManyRedirects, R> =>
      Effect.flatMap(client.execute(request), (response) => {
        if (!isRedirect(response)) return Effect.succeed(response)
        const from = new URL(request.url)
        const to = new URL(response.headers.location as string, from)
        if (redirects >= limit) return Effect.fail(new TooManyRedirects({ url: from.href, limit }))
        if (!isFollowed(from, to)) return Effect.fail(new RedirectRefused({ from: from.href, to: to.href }))
        // credentials are for the origin they were given for: an upgrade to https is another origin
        // (a new request: `modify` would merge the headers, not drop them; a GET has no body to carry)
        const next =
          from.origin === to.origin
            ? HttpClientRequest.setUrl(request, to)
            : HttpClientRequest.make(request.method)(to, {
                headers: Headers.remove(request.headers, ["authorization", "cookie", "proxy-authorization"])
              })
        return Effect.zipRight(
          Effect.flatMap(currentTracker, (tracker) => drain(response, redirectBodyCap, tracker)),
          loop(next, redirects + 1)
        )
      })
    return HttpClient.makeWith<never, never, E | RedirectRefused | TooManyRedirects, R>(
      (request) => Effect.flatMap(request, (request) => loop(request, 0)),
      Effect.succeed
    )
  }
