/**
 * Every code block of the README that claims an output is run and its output compared: TypeScript
 * blocks (type-checked, then run with tsx; `console.log(…) // output` says what each line prints) and
 * `$ npx flags …` sessions (the real bin; lines marked `← stderr` are expected on stderr, a line `…`
 * stands for any lines, and `<!-- readme-check: unordered -->` allows any order). Ports, times, rates and
 * fiber numbers may differ from the README's; everything else must match.
 */
import { execFileSync, spawn } from "node:child_process"
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { bin, runCli, tempDir } from "./support/cli.js"

const root = join(import.meta.dirname, "..")
const readme = readFileSync(join(root, "README.md"), "utf8")

interface Block {
  readonly language: string
  readonly lines: ReadonlyArray<string>
  /** The `<!-- readme-check: … -->` comment right before the block, if any. */
  readonly directive: string | undefined
  readonly line: number
}

const blocks: ReadonlyArray<Block> = [
  ...readme.matchAll(/(?:<!-- readme-check: (.*?) -->\n)?```(\w*)\n([\s\S]*?)\n```/g)
].map((match) => ({
  directive: match[1],
  language: match[2] ?? "",
  lines: (match[3] ?? "").split("\n"),
  line: readme.slice(0, match.index).split("\n").length
}))

/** What may differ from run to run: ports, times, rates, fiber numbers. */
const normalize = (line: string) =>
  line
    .replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:PORT")
    .replace(/\[\d\d:\d\d<[\d:?]+, [\d.]+it\/s\]/, "[TIMES]")
    .replace(/\b\d+\.\d+s\b/g, "Ts")
    .replace(/\(\+\d+%\)/g, "(+P%)")
    .replace(/<Fiber #\d+/g, "<Fiber #N")
    .trimEnd()

/** One `$ npx flags …` command of a block and the lines shown after it. */
interface Session {
  readonly args: ReadonlyArray<string>
  readonly shown: ReadonlyArray<string>
  readonly directive: string | undefined
  readonly line: number
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
const typeChecked = blocks.filter((block) => block.language === "ts")
const typescript = typeChecked.filter((block) => outputOf(block.lines).length > 0)
const sessions: ReadonlyArray<Session> = blocks.flatMap((block) => {
  const starts = block.lines.flatMap((line, i) => (line.startsWith("$ npx flags ") ? [i] : []))
  return starts.map((start, k) => ({
    args: (block.lines[start] ?? "")
      .replace("$ npx flags ", "")
      .replace(/\s+#.*$/, "")
      .trim()
      .split(/\s+/),
    shown: block.lines.slice(start + 1, starts[k + 1] ?? block.lines.length),
    directive: block.directive,
    line: block.line + start + 1
  }))
})

const scratch = join(root, ".readme-check")
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe("the README's code blocks say what they print", () => {
  it("finds the blocks that claim an output", () => {
    assert.isAtLeast(typescript.length, 2)
    assert.isAtLeast(sessions.length, 2)
  })

  it("its TypeScript blocks type-check against the library", () => {
    mkdirSync(scratch, { recursive: true })
    typeChecked.forEach((block, i) => writeFileSync(join(scratch, `block${i}.ts`), block.lines.join("\n")))
    writeFileSync(
      join(scratch, "tsconfig.json"),
      JSON.stringify({ extends: "../tsconfig.json", include: ["*.ts"] })
    )
    execFileSync(join(root, "node_modules", ".bin", "tsc"), ["-p", scratch], { stdio: "pipe" })
  })

  it.each(typescript.map((block, i) => ({ i, block, at: block.line })))(
    "the TypeScript block at line $at prints what its comments say",
    ({ i, block }) => {
      mkdirSync(scratch, { recursive: true })
      const file = join(scratch, `run${i}.ts`)
      writeFileSync(file, block.lines.join("\n"))
      const cwd = tempDir("flags-readme-")
      const tsx = join(root, "node_modules", ".bin", "tsx")
      const stdout = execFileSync(tsx, ["--tsconfig", join(root, "tsconfig.json"), file], {
        cwd,
        encoding: "utf8"
      })
      assert.deepStrictEqual(stdout.trimEnd().split("\n").map(normalize), outputOf(block.lines))
    }
  )

  it.each(sessions.map((session) => ({ session, at: session.line, command: session.args.join(" ") })))(
    "the session at line $at (flags $command) prints what it shows",
    async ({ session }) => {
      const { args, shown } = session
      const onStderr = shown
        .filter((line) => line.includes("← stderr"))
        .map((line) => normalize(line.replace(/\s*← stderr$/, "")))
      const onStdout = shown.filter((line) => !line.includes("← stderr")).map(normalize)
      const { stdout, stderr } =
        args[0] === "serve"
          ? await serveSession(args, session.directive)
          : await runCli(args, { cwd: tempDir() })
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
