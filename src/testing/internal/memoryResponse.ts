/** The responses of `MemoryHttpClient`: a body as an Effect `Stream`, read as the platform's responses are. */
import * as Cookies from "@effect/platform/Cookies"
import * as Headers from "@effect/platform/Headers"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"

/** An answer whose body is an Effect `Stream`, timed on Effect's clock. */
export class MemoryResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  readonly headers: Headers.Headers
  readonly cookies = Cookies.empty
  readonly remoteAddress = Option.none<string>()
  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    readonly status: number,
    headers: Record<string, string>,
    readonly stream: Stream.Stream<Uint8Array, HttpClientError.ResponseError>
  ) {
    super()
    this.headers = Headers.fromInput(headers)
  }
  get arrayBuffer() {
    return Stream.runFold(this.stream, new Uint8Array(0), (all, chunk) => {
      const joined = new Uint8Array(all.length + chunk.length)
      joined.set(all)
      joined.set(chunk, all.length)
      return joined
    }).pipe(
      Effect.map(
        (bytes) => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
      )
    )
  }
  get text() {
    return Effect.map(this.arrayBuffer, (buffer) => new TextDecoder().decode(buffer))
  }
  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => JSON.parse(text) as unknown,
        catch: (cause): HttpClientError.ResponseError =>
          new HttpClientError.ResponseError({
            request: this.request,
            response: this,
            reason: "Decode",
            cause
          })
      })
    )
  }
  get urlParamsBody() {
    return Effect.map(this.text, (text) => UrlParams.fromInput(new URLSearchParams(text)))
  }
  get formData() {
    return Effect.die("MemoryHttpClient: form data bodies are not supported")
  }
  override toJSON(): unknown {
    return HttpIncomingMessage.inspect(this, { _id: "MemoryHttpClient.MemoryResponse", status: this.status })
  }
}
