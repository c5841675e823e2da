/** An in-memory `HttpClient`: answers from a function of the URL, after an Effect-clock delay, counting requests in flight. */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

export interface FakeAnswer {
  readonly status: number
  readonly body?: Uint8Array | string
  readonly headers?: Record<string, string>
  readonly delay?: Duration.DurationInput
}

export interface MemoryHttpStats {
  inFlight: number
  maxInFlight: number
  requests: Array<string>
}

export const make = (answer: (url: URL, attempt: number) => FakeAnswer) => {
  const stats: MemoryHttpStats = { inFlight: 0, maxInFlight: 0, requests: [] }
  const client = HttpClient.make((request, url) =>
    Effect.gen(function* () {
      const attempt = stats.requests.filter((u) => u === url.href).length
      stats.requests.push(url.href)
      const reply = answer(url, attempt)
      stats.inFlight++
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight)
      yield* Effect.sleep(reply.delay ?? Duration.zero).pipe(
        Effect.ensuring(Effect.sync(() => stats.inFlight--))
      )
      const body = typeof reply.body === "string" ? new TextEncoder().encode(reply.body) : reply.body
      const headers = {
        ...(body === undefined ? {} : { "content-length": String(body.length) }),
        ...reply.headers
      }
      return HttpClientResponse.fromWeb(
        request,
        new Response(body ?? null, { status: reply.status, headers })
      )
    })
  )
  return { layer: Layer.succeed(HttpClient.HttpClient, client), stats }
}

/** A flag server in memory: `{cc}.png` for the given codes (body = "flag-CC"), metadata with `countries`. */
export const flagSite = (
  codes: ReadonlyArray<string>,
  options: { readonly delay?: Duration.DurationInput; readonly countries?: Record<string, string> } = {}
) =>
  make((url) => {
    const match = /^\/flags\/([a-z]{2})\/(.+)$/.exec(url.pathname)
    const cc = match?.[1]?.toUpperCase() ?? ""
    const delay = options.delay ?? Duration.zero
    if (!codes.includes(cc)) return { status: 404, body: "not found", delay }
    if (match?.[2] === "metadata.json") {
      return {
        status: 200,
        body: JSON.stringify({ country: options.countries?.[cc] ?? `Country ${cc}` }),
        delay
      }
    }
    return { status: 200, body: `flag-${cc}`, delay }
  })
