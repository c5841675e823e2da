// Bundles the `flags` executable into dist/bin.js: one file loads in a third of the time the
// unbundled module graph of effect + @effect/* takes (see README, Performance).
import { build } from "esbuild"

await build({
  entryPoints: ["src/bin.ts"],
  outfile: "dist/bin.js",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  minify: true,
  legalComments: "none",
  // svg-country-flags is data read at run time through FileSystem, not code: it stays in node_modules
  external: ["svg-country-flags"],
  banner: {
    js: [
      // bundled CommonJS dependencies (undici) call require() for Node built-ins
      "import { createRequire as __createRequire } from 'node:module';",
      "const require = __createRequire(import.meta.url);"
    ].join("\n")
  },
  logLevel: "warning"
})
