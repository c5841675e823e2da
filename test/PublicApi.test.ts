/**
 * The public surface stays documented: every symbol an entry point exports (`src/index.ts` and each
 * `src/<folder>/index.ts`, namespaces followed into their modules) has a JSDoc comment, and every
 * module behind a namespace opens with one, as the compiler sees them (what an editor shows on hover).
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, relative } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import ts from "typescript"
import { root } from "./support/docs.js"

/** The project's compiler options (module resolution, paths). */
const compilerOptions = () => {
  const file = ts.readConfigFile(join(root, "tsconfig.json"), ts.sys.readFile)
  return ts.parseJsonConfigFileContent(file.config, ts.sys, root).options
}

/** Every `.ts` file under `dir`. */
const sources = (dir: string): Array<string> =>
  readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .map((file) => join(dir, file))

/**
 * `file: name` of each export reachable from `entries` that has no JSDoc, and each undocumented module.
 * Only `files` are read (no library, no packages): a comment needs no types, and this takes seconds,
 * not the half minute a whole program with Effect's declarations takes.
 */
const undocumented = (entries: ReadonlyArray<string>, files: ReadonlyArray<string>): Array<string> => {
  const program = ts.createProgram({
    rootNames: [...entries, ...files],
    options: { ...compilerOptions(), noEmit: true, noResolve: true, noLib: true, types: [] }
  })
  const checker = program.getTypeChecker()
  const missing = new Set<string>()
  const where = (node: ts.Node) => relative(root, node.getSourceFile().fileName)
  const seen = new Set<ts.Symbol>()
  const visit = (exported: ts.Symbol, name: string) => {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported
    if (seen.has(symbol)) return
    seen.add(symbol)
    const declarations = symbol.declarations ?? []
    const module = declarations.find(ts.isSourceFile)
    if (module !== undefined) {
      // a namespace (`export * as Name`): its module says what it is, and each of its exports is public
      if (!module.getFullText().trimStart().startsWith("/**")) missing.add(`${where(module)}: (module)`)
      for (const member of checker.getExportsOfModule(symbol)) visit(member, member.name)
      return
    }
    if (symbol.getDocumentationComment(checker).length === 0) {
      missing.add(`${declarations[0] === undefined ? "?" : where(declarations[0])}: ${name}`)
    }
  }
  for (const entry of entries) {
    const source = program.getSourceFile(entry)
    const module = source === undefined ? undefined : checker.getSymbolAtLocation(source)
    assert.isDefined(module, entry)
    if (module !== undefined)
      for (const exported of checker.getExportsOfModule(module)) visit(exported, exported.name)
  }
  return [...missing].sort()
}

describe("the public surface", () => {
  it("every export of every entry point has a JSDoc comment", () => {
    const folders = ["download", "session", "server", "terminal", "primes", "node", "testing"]
    const entries = [
      join(root, "src/index.ts"),
      ...folders.map((folder) => join(root, "src", folder, "index.ts"))
    ]
    const files = folders.flatMap((folder) => sources(join(root, "src", folder)))
    assert.deepStrictEqual(undocumented(entries, files), [])
  })

  it("finds an export without one, through a namespace and a re-export", () => {
    const dir = mkdtempSync(join(tmpdir(), "public-api-"))
    try {
      writeFileSync(
        join(dir, "Thing.ts"),
        "/** A module. */\n/** Documented. */\nexport const documented = 1\nexport const bare = 2\nexport interface Shape {}\n"
      )
      writeFileSync(join(dir, "Loose.ts"), "export const loose = 3\n")
      writeFileSync(
        join(dir, "index.ts"),
        'export * as Thing from "./Thing.js"\nexport { loose } from "./Loose.js"\n'
      )
      const found = undocumented([join(dir, "index.ts")], sources(dir)).map((line) =>
        line.replace(/^.*\//, "")
      )
      assert.deepStrictEqual(found, ["Loose.ts: loose", "Thing.ts: Shape", "Thing.ts: bare"])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
