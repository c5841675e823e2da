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
    // the renderer reads these through Config (OutputMode): pinned, so a test sees the same output
    // whatever shell or CI runs the suite; tests that need another environment provide their own
    env: { CI: "", TERM: "xterm-256color", NO_COLOR: "", LC_ALL: "", LC_CTYPE: "", LANG: "C.UTF-8" },
    testTimeout: 30_000,
    hookTimeout: 30_000
  }
})
