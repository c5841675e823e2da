// The CommonJS build: each ES module of dist/lib transformed by esbuild into dist/cjs (same names, a
// package.json there saying "commonjs"), with its .d.ts beside it. `require("effect-flags")` then
// loads the CommonJS builds of effect and @effect/*, the copies a CommonJS app has already loaded;
// Node 20.19's require() of the ES build would work too, but would load a second, ES copy of Effect.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { transformSync } from "esbuild"

const from = "dist/lib"
const to = "dist/cjs"
rmSync(to, { recursive: true, force: true })
const files = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)]
  )
for (const file of files(from)) {
  const target = join(to, relative(from, file))
  mkdirSync(dirname(target), { recursive: true })
  if (file.endsWith(".d.ts")) copyFileSync(file, target)
  else if (file.endsWith(".js")) {
    const source = readFileSync(file, "utf8")
    const usesImportMeta = source.includes("import.meta.url")
    const { code } = transformSync(source, {
      format: "cjs",
      platform: "node",
      target: "node20",
      sourcefile: file,
      // the one `import.meta.url` (FlagStore finding svg-country-flags) has a CommonJS equivalent
      ...(usesImportMeta
        ? {
            define: { "import.meta.url": "__moduleUrl" },
            banner: 'const __moduleUrl = require("node:url").pathToFileURL(__filename).href;'
          }
        : {})
    })
    writeFileSync(target, code)
  }
}
writeFileSync(join(to, "package.json"), `${JSON.stringify({ type: "commonjs" })}\n`)
