// `npm run example -- NAME [args]`: runs examples/NAME.ts with tsx; `effect-flags` resolves to src/
// through tsconfig's paths, as it resolves to the installed package in your own app.
import { spawnSync } from "node:child_process"
import { existsSync, readdirSync } from "node:fs"

const [name, ...args] = process.argv.slice(2)
const names = readdirSync(new URL("../examples", import.meta.url))
  .filter((f) => f.endsWith(".ts"))
  .map((f) => f.replace(/(\.test)?\.ts$/, ""))
if (!name || !names.includes(name)) {
  console.error(`usage: npm run example -- NAME   (NAME: ${names.join(", ")})`)
  process.exit(2)
}
const bin = (tool) => new URL(`../node_modules/.bin/${tool}`, import.meta.url).pathname
const result = existsSync(new URL(`../examples/${name}.test.ts`, import.meta.url))
  ? spawnSync(bin("vitest"), ["run", `examples/${name}.test.ts`], { stdio: "inherit" })
  : spawnSync(bin("tsx"), [`examples/${name}.ts`, ...args], { stdio: "inherit" })
process.exit(result.status ?? 1)
