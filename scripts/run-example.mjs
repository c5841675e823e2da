// `npm run example -- NAME [args]`: runs examples/NAME.ts, bundled (scripts/bundle-program.mjs) into
// node_modules/.cache; `effect-flags` resolves to src/ through tsconfig's paths, as it resolves to the
// installed package in your own app. An example with a NAME.test.ts runs its test with vitest.
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs"
import { join } from "node:path"
import { bundleProgram } from "./bundle-program.mjs"

const [name, ...args] = process.argv.slice(2)
const names = readdirSync(new URL("../examples", import.meta.url))
  .filter((f) => f.endsWith(".ts"))
  .map((f) => f.replace(/(\.test)?\.ts$/, ""))
if (!name || !names.includes(name)) {
  console.error(`usage: npm run example -- NAME   (NAME: ${names.join(", ")})`)
  process.exit(2)
}
const bin = (tool) => new URL(`../node_modules/.bin/${tool}`, import.meta.url).pathname
const program = async () => {
  const cache = new URL("../node_modules/.cache/effect-flags/examples", import.meta.url).pathname
  mkdirSync(cache, { recursive: true })
  // a file of this run's own: two runs at once never start each other's half-written bundle
  const bundle = join(cache, `${name}.${process.pid}.mjs`)
  await bundleProgram(new URL(`../examples/${name}.ts`, import.meta.url).pathname, bundle)
  try {
    return spawnSync(process.execPath, [bundle, ...args], { stdio: "inherit" })
  } finally {
    rmSync(bundle, { force: true })
  }
}
const result = existsSync(new URL(`../examples/${name}.test.ts`, import.meta.url))
  ? spawnSync(bin("vitest"), ["run", `examples/${name}.test.ts`], { stdio: "inherit" })
  : await program()
process.exit(result.status ?? 1)
