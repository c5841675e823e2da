/**
 * The project's documentation as the tests read it: README.md and every `docs/*.md`, their fenced code
 * blocks (with the `<!-- readme-check: … -->` comment right before each, if any).
 */
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"

/** The repository's root. */
export const root = join(import.meta.dirname, "..", "..")

/** README.md, then every Markdown file of `docs/`, as paths from the root. */
export const docFiles: ReadonlyArray<string> = [
  "README.md",
  ...readdirSync(join(root, "docs"))
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => `docs/${name}`)
]

/** The text of a file of the repository. */
export const textOf = (file: string): string => readFileSync(join(root, file), "utf8")

/** A fenced code block of a Markdown file. */
export interface Block {
  /** The file it stands in, from the root (`docs/cli.md`). */
  readonly file: string
  /** The line of its opening fence, from 1. */
  readonly line: number
  /** `file:line`, as test names show it. */
  readonly at: string
  readonly language: string
  readonly lines: ReadonlyArray<string>
  /** The `<!-- readme-check: … -->` comment right before the block, if any. */
  readonly directive: string | undefined
}

/** The fenced code blocks of one file, in order. */
export const blocksOf = (file: string): ReadonlyArray<Block> => {
  const text = textOf(file)
  return [...text.matchAll(/(?:<!-- readme-check: (.*?) -->\n)?```(\w*)\n([\s\S]*?)\n```/g)].map((match) => {
    const line = text.slice(0, match.index + match[0].indexOf("```")).split("\n").length
    return {
      file,
      line,
      at: `${file}:${line}`,
      directive: match[1],
      language: match[2] ?? "",
      lines: (match[3] ?? "").split("\n")
    }
  })
}
