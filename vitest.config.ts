import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

export default defineConfig({
  resolve: {
    // examples import the package by name, as an app would; here that name is the source
    alias: {
      "effect-flags/testing": fileURLToPath(new URL("./src/testing/index.ts", import.meta.url)),
      "effect-flags": fileURLToPath(new URL("./src/index.ts", import.meta.url))
    }
  },
  test: {
    include: ["test/**/*.test.ts", "examples/**/*.test.ts"],
    globalSetup: ["test/setup/build-bin.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000
  }
})
