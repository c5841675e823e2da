/** The redirect policy as a combinator over any HttpClient: what is followed, what is refused, and how far. */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redirects from "../src/download/Redirects.js"
import * as MemoryHttpClient from "../src/testing/MemoryHttpClient.js"

const moved = (location: string) => ({ status: 302, headers: { location }, body: "moved" })

describe("Redirects", () => {
  it("isFollowed: the same origin, or an upgrade to https on the same host; nothing else", () => {
    const followed = (from: string, to: string) => Redirects.isFollowed(new URL(from), new URL(to))
    assert.isTrue(followed("http://a.test/x", "http://a.test/y"))
    assert.isTrue(followed("http://a.test/x", "https://a.test/x"))
    assert.isTrue(followed("http://a.test:8000/x", "https://a.test:8443/x"))
    assert.isFalse(followed("https://a.test/x", "http://a.test/x"), "never down to http")
    assert.isFalse(followed("http://a.test/x", "https://b.test/x"))
    assert.isFalse(followed("http://a.test:1/x", "http://a.test:2/x"), "another port is another origin")
    assert.isFalse(followed("http://a.test/x", "file:///etc/passwd"))
  })

  it.effect("follows allowed hops to the final answer, and fails typed on a refused one or a loop", () => {
    const http = MemoryHttpClient.make((url) => {
      if (url.href === "http://a.test/old") return moved("https://a.test/new")
      if (url.href === "https://a.test/new") return { status: 200, body: "flag" }
      if (url.pathname === "/away") return moved("https://b.test/x")
      return moved(url.href)
    })
    const client = Redirects.follow({ maxRedirects: 3 })(http.client)
    return Effect.gen(function* () {
      const answer = yield* Effect.flatMap(client.get("http://a.test/old"), (response) => response.text)
      assert.strictEqual(answer, "flag")
      const refused = yield* Effect.flip(client.get("http://a.test/away"))
      assert.strictEqual(refused._tag, "RedirectRefused")
      assert.strictEqual(refused.message, "redirect to another origin refused: https://b.test")
      const loop = yield* Effect.flip(client.get("http://a.test/loop"))
      assert.strictEqual(loop._tag, "TooManyRedirects")
      assert.strictEqual(http.stats.requests.filter((url) => url === "http://a.test/loop").length, 4)
    })
  })

  it.effect(
    "credentials stay with their origin: the same host keeps them, an upgrade to https drops them",
    () => {
      const http = MemoryHttpClient.make((url) => {
        if (url.pathname === "/old") return moved("http://a.test/new")
        if (url.href === "http://a.test/new") return moved("https://a.test/final")
        return { status: 200, body: "file" }
      })
      const client = Redirects.follow()(http.client)
      return Effect.gen(function* () {
        yield* client.get("http://a.test/old", {
          headers: { authorization: "Basic c2VjcmV0", "x-kept": "1" }
        })
        assert.deepStrictEqual(
          http.stats.started.map((s) => [s.url, s.headers.authorization, s.headers["x-kept"]]),
          [
            ["http://a.test/old", "Basic c2VjcmV0", "1"],
            ["http://a.test/new", "Basic c2VjcmV0", "1"],
            ["https://a.test/final", undefined, "1"]
          ]
        )
      })
    }
  )

  it.effect("is a client like any other: it keeps the wrapped client's transformations", () => {
    const http = MemoryHttpClient.make((url) => ({ status: 200, body: url.searchParams.get("k") ?? "none" }))
    const client = Redirects.follow()(
      HttpClient.mapRequest(http.client, HttpClientRequest.setUrlParam("k", "v"))
    )
    return Effect.gen(function* () {
      assert.strictEqual(
        yield* Effect.flatMap(client.get("http://a.test/"), (response) => response.text),
        "v"
      )
    })
  })
})
