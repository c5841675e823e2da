/**
 * The project's documentation as the tests read it: README.md and every `docs/*.md`, their fenced code
 * blocks (with the `<!-- readme-check: … -->` comment right before each, if any) and their links.
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

/** A Markdown link to a file of the repository (`[text](docs/cli.md#exit-codes)`), or to a heading of its own file. */
export interface Link {
  readonly file: string
  readonly line: number
  readonly target: string
}

/** The links of a file that are not URLs (`https:`, `mailto:`, …): outside code blocks and code spans. */
export const linksOf = (file: string): ReadonlyArray<Link> =>
  textOf(file)
    // fenced blocks kept as empty lines, so line numbers stay right
    .replace(/```[\s\S]*?```/g, (block) => block.replace(/[^\n]/g, ""))
    .split("\n")
    .flatMap((text, i) =>
      [...text.replace(/`[^`]*`/g, "``").matchAll(/\]\(([^)\s]+)\)/g)].flatMap((match) => {
        const target = match[1] ?? ""
        return /^[a-z][a-z0-9+.-]*:/i.test(target) ? [] : [{ file, line: i + 1, target }]
      })
    )

/**
 * The anchors of a Markdown file's headings, as GitHub makes them: lowercased, punctuation dropped,
 * spaces turned into `-`, and `-1`, `-2`, … after a repeated one.
 */
export const anchorsOf = (file: string): ReadonlySet<string> => {
  const seen = new Map<string, number>()
  const anchors = new Set<string>()
  const text = textOf(file).replace(/```[\s\S]*?```/g, "")
  for (const [, heading] of text.matchAll(/^#{1,6} +(.*?) *#* *$/gm)) {
    const slug = (heading ?? "")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/ /g, "-")
    const count = seen.get(slug) ?? 0
    seen.set(slug, count + 1)
    anchors.add(count === 0 ? slug : `${slug}-${count}`)
  }
  return anchors
}
