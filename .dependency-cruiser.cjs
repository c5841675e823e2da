// The dependency rule of src/ (`npm run deps`, in .ci/run): each product folder imports only what lies
// below it, and no runtime import cycle anywhere. Type-only imports are erased by the compiler, so they
// are not dependencies here (tsPreCompilationDeps: false).
/** A folder that may import only itself and `allowed` (folders of src/). */
const only = (folder, allowed = []) => ({
  name: `${folder}-imports-only-${allowed.length === 0 ? "itself" : allowed.join("-")}`,
  comment: `src/${folder}/ may import ${allowed.length === 0 ? "nothing of ours from other folders" : `only ${allowed.join(", ")}`}`,
  severity: "error",
  from: { path: `^src/${folder}/` },
  to: { path: "^src/", pathNot: `^src/(${[folder, ...allowed].join("|")})/` }
})
const products = ["download", "session", "server", "terminal", "primes"]

module.exports = {
  forbidden: [
    {
      name: "no-runtime-cycle",
      comment: "a runtime import cycle: modules that load each other",
      severity: "error",
      from: {},
      to: { circular: true }
    },
    {
      name: "no-foreign-internal",
      comment: "a folder's internal/ is private to it: other folders import its public modules",
      severity: "error",
      from: { path: "^src/([^/]+)/" },
      to: { path: "^src/([^/]+)/internal/", pathNot: "^src/$1/internal/" }
    },
    only("terminal"),
    only("primes"),
    only("server"),
    only("download"),
    only("session", ["download"]),
    only("node", products),
    only("testing", products),
    {
      name: "cli-is-the-edge",
      comment: "only the bin imports the CLI",
      severity: "error",
      from: { path: "^src/", pathNot: ["^src/cli/", "^src/bin\\.ts$"] },
      to: { path: "^src/cli/" }
    },
    {
      name: "root-without-node",
      comment: "the root entry point works without @effect/platform-node: it re-exports the products only",
      severity: "error",
      from: { path: "^src/index\\.ts$" },
      to: { path: "^src/(node|cli|testing)/" }
    },
    {
      name: "platform-node-in-node-only",
      comment: "@effect/platform-node is an optional peer: only node/, the CLI and the bin import it",
      severity: "error",
      from: { path: "^src/", pathNot: ["^src/node/", "^src/cli/", "^src/bin\\.ts$"] },
      to: { path: "@effect/platform-node" }
    },
    {
      name: "no-unresolvable",
      severity: "error",
      from: {},
      to: { couldNotResolve: true }
    }
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: false,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"]
    }
  }
}
