// A TypeScript program as one ES module for node, `effect-flags` resolved to src/ through tsconfig's
// paths: started with node, it costs a third of the CPU tsx spends compiling every module as it loads
// (measured on the documentation's blocks). Used by `npm run example` and the documentation's test.
import { join } from "node:path"
import { build } from "esbuild"

const root = join(import.meta.dirname, "..")

/** Bundles `entry` (and all it imports, packages included) into `outfile`. */
export const bundleProgram = async (entry, outfile) => {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    tsconfig: join(root, "tsconfig.json"),
    // the CommonJS packages inside (undici, ws, …) call require: an ES module has none of its own
    banner: {
      js: 'import { createRequire as __bundleRequire } from "node:module"; const require = __bundleRequire(import.meta.url);'
    },
    logLevel: "error"
  })
}
