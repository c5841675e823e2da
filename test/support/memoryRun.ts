/** What the downloader's unit tests share: a config for the in-memory site, and the fakes as one layer. */
import * as Path from "@effect/platform/Path"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { DownloadConfig } from "../../src/download/Downloader.js"
import { defaultRequestOptions } from "../../src/download/HttpGet.js"
import * as MemoryFileSystem from "../../src/testing/MemoryFileSystem.js"
import type * as MemoryHttpClient from "../../src/testing/MemoryHttpClient.js"

/** Downloads from the in-memory site into `/dest`, the book's timeout, no retries. */
export const config: DownloadConfig = {
  ...defaultRequestOptions,
  baseUrl: "http://flags.test/flags",
  extension: "png",
  dest: "/dest",
  names: false
}

/** Provides an in-memory `HttpClient` and `FileSystem` (a fresh empty one by default) and `Path`. */
export const withFakes = (
  http: ReturnType<typeof MemoryHttpClient.make>,
  files: ReturnType<typeof MemoryFileSystem.make> = MemoryFileSystem.make()
) => Effect.provide(Layer.mergeAll(http.layer, files.layer, Path.layer))
