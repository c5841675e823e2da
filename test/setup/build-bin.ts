// End-to-end tests run the real bundled `flags` bin: build it once before the suite.
import { execFileSync } from "node:child_process"

export default function setup() {
  execFileSync(process.execPath, ["scripts/build-bin.mjs"], { stdio: "inherit" })
}
