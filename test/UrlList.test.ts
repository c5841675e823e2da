/** Lists of URLs as aria2 and wget read them, every bad line refused with its number, and the names files get. */
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as UrlList from "../src/download/UrlList.js"

const parse = (text: string | Uint8Array) =>
  UrlList.parse(typeof text === "string" ? new TextEncoder().encode(text) : text)

describe("UrlList.parse", () => {
  it("a URL a line, out=NAME after it, blank lines and comments ignored, CRLF too", () => {
    const list = parse(
      "# flags\r\nhttp://a.test/br.png\r\n\r\n  https://b.test/x/jp.png   out=japan.png\n\t# indented comment\nhttp://a.test/"
    )
    assert.deepStrictEqual(
      list,
      Either.right([
        { url: "http://a.test/br.png" },
        { url: "https://b.test/x/jp.png", out: "japan.png" },
        { url: "http://a.test/" }
      ])
    )
  })

  it("refuses every bad line, each with its number, so nothing is fetched", () => {
    const long = `http://a.test/${"x".repeat(9000)}`
    const bytes = new Uint8Array([
      ...new TextEncoder().encode(
        "http://ok.test/a\nexample.com/no-scheme\nfile:///etc/passwd\nhttp://a.test/has space\n"
      ),
      ...new TextEncoder().encode(`${long}\n`),
      0x68,
      0x74,
      0x74,
      0x70,
      0x3a,
      0x2f,
      0x2f,
      0xff,
      0xfe,
      0x0a,
      ...new TextEncoder().encode("http://a.test/a out=../escape\nhttp://a.test/b out=x out=y\nhttp://[::1\n")
    ])
    const list = parse(bytes)
    assert.isTrue(Either.isLeft(list))
    if (Either.isLeft(list)) {
      assert.deepStrictEqual(
        list.left.map((bad) => bad.line),
        [2, 3, 4, 5, 6, 7, 8, 9]
      )
      const said = list.left.map((bad) => bad.message)
      assert.include(said[0], "line 2: not a URL (it needs http:// or https://)")
      assert.include(said[1], "only http and https URLs")
      assert.include(said[2], "cannot contain spaces")
      assert.include(said[3], "longer than 8192 bytes")
      assert.include(said[4], "not UTF-8")
      assert.include(said[5], "out=../escape is not a plain file name")
      assert.include(said[6], "out= given twice")
      assert.include(said[7], "not a URL")
    }
  })

  it("an empty list is a list of nothing", () => {
    assert.deepStrictEqual(parse(""), Either.right([]))
    assert.deepStrictEqual(parse("\n# nothing\n"), Either.right([]))
  })
})

describe("UrlList names", () => {
  it("the last path segment, decoded and made safe; index.html for none; query ignored", () => {
    assert.strictEqual(UrlList.nameFromUrl("http://a.test/docs/report.pdf?v=2"), "report.pdf")
    assert.strictEqual(UrlList.nameFromUrl("http://a.test/"), "index.html")
    assert.strictEqual(UrlList.nameFromUrl("http://a.test/a%20b%C3%A9.txt"), "a_bé.txt")
    assert.strictEqual(UrlList.nameFromUrl("http://a.test/%2e%2e%2f%2e%2e%2fetc%2fpasswd"), "etc_passwd")
    assert.strictEqual(UrlList.nameFromUrl("http://a.test/.env"), "env")
    assert.strictEqual(UrlList.nameFromUrl("http://a.test/bad%zz"), "bad%zz")
    const long = UrlList.nameFromUrl(`http://a.test/${"n".repeat(300)}.tar.gz`)
    assert.isAtMost(long.length, 120)
    assert.isTrue(long.endsWith(".gz"), long)
  })

  it("unique within a list, in its order (the same names on every run), case-insensitively", () => {
    const name = UrlList.namer()
    assert.deepStrictEqual(
      ["http://a/x/index.html", "http://b/index.html", "http://c/INDEX.html", "http://d/y"].map((url) =>
        name({ url })
      ),
      ["index.html", "index-1.html", "INDEX-2.html", "y"]
    )
    assert.strictEqual(name({ url: "http://e/z", out: "y" }), "y-1")
  })
})

describe("UrlList.parse: aria2's options, mirrors and credentials", () => {
  const sha = "a".repeat(64)
  it("reads checksum=, header= and out= on the URL's line and on indented option lines below it", () => {
    const list = parse(
      [
        `http://a.test/big.iso checksum=sha-256=${sha.toUpperCase()} header=X-Token: a b c`,
        "http://b.test/x.bin",
        `  checksum=sha-1=${"b".repeat(40)}`,
        "\tout=renamed.bin",
        "  header=Accept-Language: de",
        "  header=Referer: http://b.test/",
        "  http://c.test/indented-url-line.txt out=c.txt"
      ].join("\n")
    )
    assert.deepStrictEqual(
      list,
      Either.right([
        {
          url: "http://a.test/big.iso",
          checksum: { algorithm: "sha-256", hex: sha },
          headers: { "x-token": "a b c" }
        },
        {
          url: "http://b.test/x.bin",
          out: "renamed.bin",
          checksum: { algorithm: "sha-1", hex: "b".repeat(40) },
          headers: { "accept-language": "de", referer: "http://b.test/" }
        },
        { url: "http://c.test/indented-url-line.txt", out: "c.txt" }
      ])
    )
  })

  it("tab-separated URLs on one line are mirrors of one file, tried in order", () => {
    assert.deepStrictEqual(
      parse("http://a.test/f.iso\thttp://b.test/mirror/f.iso\thttps://c.test/f.iso\tout=f.iso"),
      Either.right([
        {
          url: "http://a.test/f.iso",
          out: "f.iso",
          mirrors: ["http://b.test/mirror/f.iso", "https://c.test/f.iso"]
        }
      ])
    )
  })

  it("takes credentials out of the URL: the URL shown and journaled has none", () => {
    assert.deepStrictEqual(
      parse("https://alice:s%40cret@a.test/private/report.pdf"),
      Either.right([
        { url: "https://a.test/private/report.pdf", credentials: { username: "alice", password: "s@cret" } }
      ])
    )
  })

  it("refuses bad options, each with its line", () => {
    const list = parse(
      [
        "  out=orphan.bin",
        "http://a.test/a checksum=md5=00",
        `http://a.test/b checksum=sha-256=${"z".repeat(64)}`,
        "http://a.test/c header=NoColon",
        "http://a.test/d",
        "  dir=/tmp",
        "http://a.test/e http://b.test/e",
        "http://a.test/f\thttp://u:p@b.test/f"
      ].join("\n")
    )
    assert.isTrue(Either.isLeft(list))
    if (Either.isLeft(list)) {
      assert.deepStrictEqual(
        list.left.map((bad) => bad.line),
        [1, 2, 3, 4, 6, 7, 8]
      )
      const said = list.left.map((bad) => bad.message)
      assert.include(said[0], "needs a URL line right above it")
      assert.include(said[1], "TYPE one of sha-1, sha-256, sha-512")
      assert.include(said[2], "a sha-256 digest is 64 hex digits")
      assert.include(said[3], "give header=Name: value")
      assert.include(said[4], "dir= is not an option read here")
      assert.include(said[5], "cannot contain spaces; mirrors of the file follow it after tabs")
      assert.include(said[6], "a mirror cannot carry credentials")
    }
  })
  it("never echoes a header's value or a URL's password in its complaints", () => {
    const list = UrlList.parse(
      new TextEncoder().encode(
        [
          "http://a.test/a header=Bearer s3cr3t-token",
          "http://a.test/b",
          "  header=s3cr3t-token",
          "http://u:s3cr3t-pass@a.test/c extra",
          "http://u:s3cr3t-pass@[a.test/d"
        ].join("\n")
      )
    )
    assert.isTrue(Either.isLeft(list))
    if (Either.isLeft(list)) {
      const said = list.left.map((bad) => bad.message)
      assert.strictEqual(said.length, 4)
      for (const message of said) assert.notInclude(message, "s3cr3t")
      assert.include(said[0], "give header=Name: value")
      assert.include(said[2], 'found "extra" after the URL')
      assert.include(said[3], "u:***@[a.test")
    }
  })
})

describe("UrlList.nameFromContentDisposition", () => {
  it("takes filename*= (UTF-8), else filename=, made safe, its path dropped", () => {
    const name = UrlList.nameFromContentDisposition
    assert.strictEqual(name('attachment; filename="report 2024.pdf"'), "report_2024.pdf")
    assert.strictEqual(name("attachment; filename=plain.txt"), "plain.txt")
    assert.strictEqual(
      name("attachment; filename=\"fallback.txt\"; filename*=UTF-8''na%C3%AFve%20caf%C3%A9.txt"),
      "naïve_café.txt"
    )
    assert.strictEqual(name('attachment; filename="../../etc/passwd"'), "passwd")
    assert.strictEqual(name('attachment; filename="C:\\\\Windows\\\\evil.exe"'), "evil.exe")
    assert.strictEqual(name('attachment; filename="a\\"b.txt"'), "a_b.txt")
    assert.strictEqual(name('attachment; filename=".."'), undefined)
    assert.strictEqual(name("inline"), undefined)
    assert.strictEqual(name("attachment; filename*=UTF-8''%E0%A4%A"), undefined)
  })
})
