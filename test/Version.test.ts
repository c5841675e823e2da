import { readFileSync } from "node:fs"
import { assert, it } from "@effect/vitest"
import { version } from "../src/cli/Version.js"

it("reports the version package.json has", () => {
  const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"))
  assert.strictEqual(version, manifest.version)
})
