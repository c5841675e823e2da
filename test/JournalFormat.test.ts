import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as JournalFormat from "../src/session/JournalFormat.js"
import { blocksOf, docFiles } from "./support/docs.js"

const fetchHeader: JournalFormat.Header = {
  command: "fetch",
  dest: "/dest",
  items: [
    { id: "http://a.test/x.png" },
    { id: "http://b.test/x.png", out: "b-x.png" },
    { id: "http://c.test/y.png" }
  ]
}
const bytes = (text: string) => new TextEncoder().encode(text)

describe("JournalFormat", () => {
  it("a header and entries read back as written, items with their out= names included", () => {
    const entry = { id: "http://a.test/x.png", status: "OK" as const, file: "x.png", size: 3, at: 5 }
    const text = `${JournalFormat.headerLine(fetchHeader, 1)}${JournalFormat.entryLine(entry)}`
    assert.include(
      text,
      '"items":["http://a.test/x.png",["http://b.test/x.png","b-x.png"],"http://c.test/y.png"]'
    )
    const contents = Either.getOrThrow(JournalFormat.parse(bytes(text), "s"))
    assert.deepStrictEqual(contents.header, {
      command: "fetch",
      server: undefined,
      dest: "/dest",
      extension: undefined,
      names: undefined,
      items: fetchHeader.items.map((item) => (item.out === undefined ? { id: item.id } : item))
    })
    assert.deepStrictEqual(contents.entries.get("http://a.test/x.png"), entry)
    assert.strictEqual(contents.lines, 1)
    assert.strictEqual(contents.complete, bytes(text).length)
  })

  it("a torn last line is not counted; a file with no whole line is not a journal", () => {
    const text = JournalFormat.headerLine(fetchHeader, 1)
    const torn = Either.getOrThrow(JournalFormat.parse(bytes(`${text}{"id":"http://a`), "s"))
    assert.strictEqual(torn.lines, 0)
    assert.strictEqual(torn.complete, bytes(text).length)
    const none = JournalFormat.parse(bytes(text.slice(0, 20)), "s")
    assert.strictEqual(
      Either.isLeft(none) && none.left.message,
      "s is not a flags session journal (line 1: no complete line)"
    )
    const binary = JournalFormat.parse(
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      "f.png"
    )
    assert.strictEqual(Either.isLeft(binary) && binary.left.reason, "not a journal header")
  })

  it("differences names each option that differs, and how the items differ", () => {
    const download: JournalFormat.Header = {
      command: "download",
      server: "http://s/flags",
      dest: "/a",
      extension: "gif",
      names: true,
      items: [{ id: "BR" }]
    }
    assert.deepStrictEqual(JournalFormat.differences(download, download), [])
    assert.deepStrictEqual(
      JournalFormat.differences(download, { ...download, names: undefined, extension: "png" }),
      [
        "the session was for extension gif, this run is for png",
        "the session was with --names, this run is without"
      ]
    )
    assert.deepStrictEqual(JournalFormat.differences(download, fetchHeader), [
      "the session was for flags download, this run is flags fetch",
      "the session was for server http://s/flags, this run is for (none)",
      "the session was for dest /a, this run is for /dest",
      "the session was for extension gif, this run is for (none)",
      "the session was with --names, this run is without",
      "the session was for 1 item, this run is for 3: 1 not in this run (BR), 3 not in the session (http://a.test/x.png, http://b.test/x.png, http://c.test/y.png)"
    ])
    const renamed = { ...fetchHeader, items: fetchHeader.items.map((item) => ({ id: item.id })) }
    assert.deepStrictEqual(JournalFormat.differences(fetchHeader, renamed), [
      "the session saved http://b.test/x.png as out=b-x.png, this run as its own name"
    ])
    const reordered = { ...fetchHeader, items: [...fetchHeader.items].reverse() }
    assert.deepStrictEqual(JournalFormat.differences(fetchHeader, reordered), [
      "the session listed the same 3 items in another order"
    ])
    const many = { ...download, items: "ABCDEFG".split("").map((c) => ({ id: `B${c}` })) }
    assert.deepStrictEqual(JournalFormat.differences(many, download), [
      "the session was for 7 items, this run is for 1: 7 not in this run (BA, BB, BC, … 4 more), 1 not in the session (BR)"
    ])
  })
})

describe("the documentation's journal", () => {
  it("the example under `readme-check: journal` is a journal this version reads", () => {
    const [block, ...more] = docFiles.flatMap(blocksOf).filter((b) => b.directive === "journal")
    assert.isDefined(block)
    assert.deepStrictEqual(more, [])
    const contents = Either.getOrThrow(JournalFormat.parse(bytes(`${block.lines.join("\n")}\n`), block.at))
    assert.deepStrictEqual(
      contents.header.items.map((item) => item.id),
      ["BR", "CN", "ZZ"]
    )
    assert.deepStrictEqual(
      [...contents.entries.values()].map((entry) => entry.status),
      ["OK", "NOT_FOUND", "ERROR"]
    )
  })
})
