/**
 * Every code block of the documentation (README.md and each `docs/*.md`) that claims an output is run
 * and its output compared: TypeScript blocks (type-checked, then bundled and run; `console.log(…) // output`
 * says what each line prints) and `$ npx flags …` sessions (the real bin; lines marked `← stderr` are
 * expected on stderr, a line `…` stands for any lines, and `<!-- readme-check: unordered -->` allows any
 * order). Comments before a block say more: `tmux WxH` (the screen at the end of a run in a real
 * terminal of that size), `ndjson` (each line is a progress event), `excerpt of FILE` (the lines stand
 * in FILE, a path from the repository's root, in order), `GET …` (requests made to a `flags serve`
 * session), `journal` (a session journal: `JournalFormat.test.ts` reads it). The commands of one block
 * run in one folder, in order (each checked after those before it have run). Ports, times, rates and
 * fiber numbers may differ from the documentation's; everything else must match. Each test names the
 * block as `file:line`. Links between the files (`[…](docs/cli.md#exit-codes)`) must lead somewhere.
 */
import { execFile, spawn } from "node:child_process"
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { promisify } from "node:util"
import { afterAll, assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import { bundleProgram } from "../scripts/bundle-program.mjs"
import * as ProgressEvent from "../src/terminal/ProgressEvent.js"
import { bin, runCli, tempDir } from "./support/cli.js"
import { anchorsOf, type Block, blocksOf, docFiles, linksOf, root, textOf } from "./support/docs.js"
import { isFresh } from "./support/freshness.js"
import { haveTmux, openTmux, terminalEnv } from "./support/tmux.js"

const blocks: ReadonlyArray<Block> = docFiles.flatMap(blocksOf)

/** What may differ from run to run: ports, times, rates, fiber numbers. */
const normalize = (line: string) =>
  line
    .replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:PORT")
    .replace(/\[\d\d:\d\d(?:<[\d:?]+)?, [\d.]+ ?(?:it|[KMG]?i?B)\/s\]/g, "[TIMES]")
    .replace(/\b\d+\.\d+s\b/g, "Ts")
    .replace(/\([+-]\d+%\)/g, "(±P%)")
    .replace(/<Fiber #\d+/g, "<Fiber #N")
    .trimEnd()

/** One `$ npx flags …` command of a block and the lines shown after it. */
interface Session {
  readonly args: ReadonlyArray<string>
  readonly shown: ReadonlyArray<string>
  readonly directive: string | undefined
  /** `file:line` of the command. */
  readonly at: string
  /** The commands before it in its block: run first, in the same folder (a session resumed, say). */
  readonly before: ReadonlyArray<ReadonlyArray<string>>
}

/** Whether `actual` is what `shown` shows: `…` matches any lines, in order (or in any order). */
const matches = (actual: ReadonlyArray<string>, shown: ReadonlyArray<string>, unordered: boolean) => {
  const expected = shown.filter((line) => line !== "…")
  const elided = expected.length < shown.length
  if (unordered) {
    const rest = [...actual]
    for (const line of expected) {
      const at = rest.indexOf(line)
      if (at === -1) return false
      rest.splice(at, 1)
    }
    return elided || rest.length === 0
  }
  // anchored at both ends, as a pattern: literal lines, `…` for any run of lines
  const pattern = new RegExp(
    `^${shown.map((line) => (line === "…" ? "(?:[^\\n]*\\n)*?" : `${line.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\n`)).join("")}$`
  )
  return pattern.test(actual.map((line) => `${line}\n`).join(""))
}

const outputOf = (lines: ReadonlyArray<string>) =>
  lines.flatMap((line) => {
    const said = /console\.log\(.*\)\s*\/\/ (.*)$/.exec(line)?.[1]
    return said === undefined ? [] : [normalize(said)]
  })
const excerpts = blocks.filter((block) => block.directive?.startsWith("excerpt of ") === true)
const typeChecked = blocks.filter((block) => block.language === "ts" && !excerpts.includes(block))
const typescript = typeChecked.filter((block) => outputOf(block.lines).length > 0)
// `$ npx flags ARGS` runs the bin; `$ npm run -s example -- NAME` (in a tmux screen only) an example
const commandOf = (line: string): ReadonlyArray<string> | undefined => {
  const command = line.replace(/\s+#.*$/, "").trim()
  if (command.startsWith("$ npx flags ")) return command.replace("$ npx flags ", "").split(/\s+/)
  if (command.startsWith("$ npm run -s example -- ")) return ["example", ...command.split(/\s+/).slice(6)]
  return undefined
}

const sessions: ReadonlyArray<Session> = blocks.flatMap((block) => {
  const starts = block.lines.flatMap((line, i) => (commandOf(line) === undefined ? [] : [i]))
  return starts.map((start, k) => ({
    args: commandOf(block.lines[start] ?? "") ?? [],
    shown: block.lines.slice(start + 1, starts[k + 1] ?? block.lines.length),
    directive: block.directive,
    at: `${block.file}:${block.line + start + 1}`,
    before: starts.slice(0, k).map((earlier) => commandOf(block.lines[earlier] ?? "") ?? [])
  }))
})
const screens = sessions.filter((session) => session.directive?.startsWith("tmux ") === true)
const printing = sessions.filter((session) => !screens.includes(session))
/** `npm install … effect-flags …`: its Effect packages must be pinned as package.json's peers are. */
const isInstallLine = (line: string) => /npm install .*effect-flags/.test(line)
const ndjson = blocks.filter((block) => block.directive === "ndjson")
const journals = blocks.filter((block) => block.directive === "journal")
/** The blocks some test checks: run, type-checked, compared, decoded or found in a file. */
const checked = blocks.filter(
  (block) =>
    typeChecked.includes(block) ||
    excerpts.includes(block) ||
    ndjson.includes(block) ||
    journals.includes(block) ||
    block.lines.some((line) => commandOf(line) !== undefined || isInstallLine(line))
)

const scratch = join(root, ".readme-check")
/** What `npm run build` declares for each entry point of the package. */
const declarations = [
  "index",
  ...["download", "node", "primes", "server", "session", "terminal", "testing"].map(
    (entry) => `${entry}/index`
  )
].map((name) => `dist/lib/${name}.d.ts`)
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

const execFileAsync = promisify(execFile)
/** Runs a tool to its end without blocking the event loop (the other blocks' runs go on meanwhile). */
const run = async (file: string, args: ReadonlyArray<string>, cwd?: string) => {
  try {
    return (await execFileAsync(file, args, { cwd, encoding: "utf8" })).stdout
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { readonly stdout?: string; readonly stderr?: string }
    return assert.fail(`${String(error)}\n${stdout}${stderr}`)
  }
}

// each block runs on its own (its own directory, port, tmux server), so they run side by side
describe.concurrent("the documentation's code blocks say what they print", () => {
  it("finds the blocks that claim an output", () => {
    assert.isAtLeast(typescript.length, 2)
    assert.isAtLeast(printing.length, 2)
    assert.isAtLeast(screens.length, 2)
    assert.isAtLeast(ndjson.length, 1)
    assert.isAtLeast(excerpts.length, 1)
    assert.strictEqual(journals.length, 1)
    // 14 checked blocks in the README before it was split into docs/, 30 in README.md and docs/ after:
    // a block that loses its comment (or a file that is not read) is no longer checked, and shows here
    assert.isAtLeast(checked.length, 30, checked.map((block) => block.at).join("\n"))
  })

  it.each(
    docFiles.flatMap(linksOf).map((link) => ({ link, at: `${link.file}:${link.line}`, to: link.target }))
  )("the link at $at leads to $to", ({ link }) => {
    const [path = "", anchor] = link.target.split("#")
    const file = path === "" ? link.file : relative(root, resolve(root, dirname(link.file), path))
    assert.isFalse(file.startsWith(".."), `outside the repository: ${file}`)
    assert.isTrue(existsSync(join(root, file)), `no such file: ${file}`)
    if (anchor !== undefined) {
      assert.isTrue(file.endsWith(".md"), `an anchor into a file that is not Markdown: ${file}`)
      assert.isTrue(anchorsOf(file).has(anchor), `no heading #${anchor} in ${file}`)
    }
  })

  it.each(
    docFiles.flatMap((file) =>
      textOf(file)
        .split("\n")
        .flatMap((line, i) => (isInstallLine(line) ? [{ line, at: `${file}:${i + 1}` }] : []))
    )
  )("the install line at $at pins the peers package.json asks for", ({ line }) => {
    // an unpinned @effect/platform-node is a 4.x release, for Effect 4: npm refuses it beside Effect 3
    const { peerDependencies } = JSON.parse(textOf("package.json")) as {
      readonly peerDependencies: Record<string, string>
    }
    const packages = line
      .replace(/\s+#.*$/, "")
      .split(/\s+/)
      .slice(2)
    const effects = packages.filter(
      (name) => name === "effect" || name.startsWith("effect@") || name.startsWith("@effect/")
    )
    assert.isAtLeast(effects.length, 3, line)
    for (const spec of effects) {
      const at = spec.lastIndexOf("@")
      assert.isAbove(at, 0, `not pinned: ${spec}`)
      const range = peerDependencies[spec.slice(0, at)]
      assert.isDefined(range, `not a peer: ${spec}`)
      // `^3.22` for a peer range of `^3.22.0`
      assert.strictEqual(spec.slice(at + 1), range?.replace(/\.0$/, ""), spec)
    }
  })

  it.each(
    excerpts.map((block) => ({ block, at: block.at, file: block.directive?.replace("excerpt of ", "") }))
  )("the excerpt at $at stands in $file, line by line", ({ block, file }) => {
    const source = textOf(file ?? "").split("\n")
    let at = 0
    for (const line of block.lines.filter((l) => l.trim() !== "")) {
      at = source.indexOf(line, at)
      assert.isAtLeast(at, 0, `not in ${file}: ${line}`)
    }
  })

  it.each(ndjson.map((block) => ({ block, at: block.at })))(
    "each line of the NDJSON block at $at is a progress event of the documented schema",
    ({ block }) => {
      for (const line of block.lines) assert.isTrue(Either.isRight(ProgressEvent.decodeLine(line)), line)
    }
  )

  it.skipIf(!haveTmux).each(screens.map((session) => ({ session, at: session.at, size: session.directive })))(
    "the screen at $at ($size) is what a terminal shows at the end of the run",
    async ({ session }) => {
      const [columns, rows] = (session.directive ?? "").replace("tmux ", "").split("x").map(Number)
      const screen = await inTmux(session.args, columns ?? 80, rows ?? 24)
      const shown = session.shown.map((line) => normalize(line.replace(/\s*← stderr$/, "")))
      assert.deepStrictEqual(screen.map(normalize).slice(0, shown.length), shown, screen.join("\n"))
      assert.isTrue(
        screen.slice(shown.length).every((line) => line.trim() === ""),
        "nothing else on the screen"
      )
    }
  )
  if (!haveTmux)
    it.skip("tmux is not installed here: the documentation's screens were not compared", () => {})

  it("its TypeScript blocks type-check against the library", async () => {
    mkdirSync(scratch, { recursive: true })
    for (const [i, block] of typeChecked.entries()) {
      writeFileSync(join(scratch, `block${i}.ts`), block.lines.join("\n"))
    }
    // the blocks only: the runs below write their copies into the same folder meanwhile. They import the
    // package as an app does: its declarations when a build newer than src/ has them (12 CPU-s less
    // than src/ itself, measured), else src/ through tsconfig's paths
    const built = isFresh(root, declarations, [
      "src",
      "tsconfig.json",
      "tsconfig.build.json",
      "package-lock.json"
    ])
    const paths = built
      ? { "effect-flags": ["../dist/lib/index.d.ts"], "effect-flags/*": ["../dist/lib/*/index.d.ts"] }
      : undefined
    writeFileSync(
      join(scratch, "tsconfig.json"),
      JSON.stringify({
        extends: "../tsconfig.json",
        ...(paths === undefined ? {} : { compilerOptions: { paths } }),
        include: ["block*.ts"]
      })
    )
    await run(join(root, "node_modules", ".bin", "tsc"), ["-p", scratch])
  })

  it.each(typescript.map((block, i) => ({ i, block, at: block.at })))(
    "the TypeScript block at $at prints what its comments say",
    async ({ i, block }) => {
      mkdirSync(scratch, { recursive: true })
      const file = join(scratch, `run${i}.ts`)
      writeFileSync(file, block.lines.join("\n"))
      const cwd = tempDir("flags-readme-")
      const bundle = join(scratch, `run${i}.mjs`)
      await bundleProgram(file, bundle)
      const stdout = await run(process.execPath, [bundle], cwd)
      assert.deepStrictEqual(stdout.trimEnd().split("\n").map(normalize), outputOf(block.lines))
    }
  )

  it.each(printing.map((session) => ({ session, at: session.at, command: session.args.join(" ") })))(
    "the session at $at (flags $command) prints what it shows",
    async ({ session }) => {
      const { args, shown } = session
      const cwd = tempDir()
      for (const earlier of session.before) await runCli(earlier, { cwd })
      const onStderr = shown
        .filter((line) => line.includes("← stderr"))
        .map((line) => normalize(line.replace(/\s*← stderr$/, "")))
      const onStdout = shown.filter((line) => !line.includes("← stderr")).map(normalize)
      const { stdout, stderr } =
        args[0] === "serve" ? await serveSession(args, session.directive) : await runCli(args, { cwd })
      const printed = stdout.trimEnd().split("\n").map(normalize)
      assert.isTrue(
        matches(printed, onStdout, session.directive === "unordered"),
        `printed:\n${printed.join("\n")}\nshown:\n${onStdout.join("\n")}`
      )
      // stderr holds more (the bar is redrawn): the lines shown appear in it, in order
      const actual = stderr.split("\n").map(normalize)
      let at = 0
      for (const line of onStderr) {
        at = actual.indexOf(line, at)
        assert.isAtLeast(at, 0, `on stderr: ${line}\n${stderr}`)
      }
    }
  )
})

/**
 * Runs `npx flags …` (or `npm run -s example -- NAME`) in a tmux window of `columns` × `rows`, as a
 * terminal user without CI or colour, and returns its screen once the command has ended.
 */
const inTmux = async (args: ReadonlyArray<string>, columns: number, rows: number) => {
  const example = args[0] === "example"
  const program = example ? [join(root, "scripts", "run-example.mjs"), ...args.slice(1)] : [bin, ...args]
  // the bin runs where it may write (./downloaded); an example from the project, as npm runs it
  const command = `cd ${example ? root : tempDir("flags-readme-")} && ${terminalEnv} ${process.execPath} ${program.join(" ")}`
  const window = await openTmux(command, { columns, rows })
  try {
    await window.ended
    return window.screen()
  } finally {
    window.close()
  }
}

/** Starts `flags serve …` on a free port, makes the directive's requests one after another, stops it. */
const serveSession = (args: ReadonlyArray<string>, directive: string | undefined) =>
  new Promise<{ readonly stdout: string; readonly stderr: string }>((resolve, reject) => {
    const paths = (directive ?? "")
      .replace(/^GET /, "")
      .split(" ")
      .filter((path) => path !== "")
    const child = spawn(process.execPath, [bin, ...args, "--port", "0"], {
      env: { ...process.env, NO_COLOR: "1" }
    })
    let stdout = ""
    let stderr = ""
    let asked = false
    child.stderr.on("data", (chunk) => (stderr += chunk))
    child.stdout.on("data", async (chunk) => {
      stdout += chunk
      const url = /at (http:\/\/\S+?)\/flags\/ /.exec(stdout)?.[1]
      if (url === undefined || asked) return
      asked = true
      for (const path of paths) await fetch(`${url}${path}`).then((response) => response.arrayBuffer())
      child.kill("SIGINT")
    })
    child.on("error", reject)
    child.on("close", () => resolve({ stdout, stderr }))
  })
