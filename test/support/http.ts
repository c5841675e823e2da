/** A raw HTTP client for tests: sends the path exactly as given (no normalisation) and reports what arrived. */
import * as Http from "node:http"
import * as Effect from "effect/Effect"

export interface RawResponse {
  readonly status: number
  readonly headers: Http.IncomingHttpHeaders
  readonly body: Buffer
  /** The transfer ended in an error (reset, premature close). */
  readonly error: string | undefined
}

export const rawRequest = (
  baseUrl: string,
  path: string,
  options: {
    readonly method?: string
    /**
     * Once the response's headers have arrived, cut the transfer (error `timeout`) after this long
     * without a byte: how a test sees a body that stalls. No limit by default, and none before the
     * headers: however slowly a busy machine answers, the answer is waited for (vitest's test timeout
     * is the guard).
     */
    readonly idleMs?: number
    readonly headers?: Readonly<Record<string, string>>
  } = {}
): Effect.Effect<RawResponse> =>
  Effect.async<RawResponse>((resume) => {
    const url = new URL(baseUrl)
    const chunks: Array<Buffer> = []
    let received: Http.IncomingMessage | undefined
    const request = Http.request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: options.method ?? "GET",
        agent: false,
        ...(options.headers === undefined ? {} : { headers: options.headers })
      },
      (response) => {
        received = response
        if (options.idleMs !== undefined)
          request.setTimeout(options.idleMs, () => request.destroy(new Error("timeout")))
        const finish = (error: string | undefined) =>
          resume(
            Effect.succeed({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks),
              error
            })
          )
        response.on("data", (chunk: Buffer) => chunks.push(chunk))
        response.on("end", () => finish(undefined))
        response.on("error", (error) => finish(error.message))
        response.on("aborted", () => finish("aborted"))
      }
    )
    request.on("error", (error) =>
      resume(
        Effect.succeed({
          status: received?.statusCode ?? 0,
          headers: received?.headers ?? {},
          body: Buffer.concat(chunks),
          error: error.message
        })
      )
    )
    request.end()
    return Effect.sync(() => request.destroy())
  })
