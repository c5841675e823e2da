/** What the process was given on standard input, for `flags fetch -i -`; the bin provides it. */
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/** Standard input could not be read. */
export class StdinError extends Data.TaggedError("StdinError")<{ readonly cause: unknown }> {
  override get message() {
    return "cannot read standard input"
  }
}

/** All of standard input, read once. */
export class Stdin extends Context.Tag("effect-flags/cli/Stdin")<
  Stdin,
  { readonly readAll: Effect.Effect<Uint8Array, StdinError> }
>() {}

/** The process's standard input, read to its end when asked. */
export const layer: Layer.Layer<Stdin> = Layer.succeed(Stdin, {
  readAll: Effect.async<Uint8Array, StdinError>((resume) => {
    const chunks: Array<Buffer> = []
    process.stdin.on("data", (chunk: Buffer) => chunks.push(chunk))
    process.stdin.once("end", () => resume(Effect.succeed(new Uint8Array(Buffer.concat(chunks)))))
    process.stdin.once("error", (cause) => resume(Effect.fail(new StdinError({ cause }))))
  })
})
