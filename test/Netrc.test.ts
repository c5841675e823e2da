/** The .netrc file as curl reads it: machines, a default, quoted tokens, macros and comments skipped. */
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Netrc from "../src/download/Netrc.js"

describe("Netrc", () => {
  it("finds a machine's login and password, else the default's", () => {
    const text = [
      "# my hosts",
      "machine files.test login alice password s3cret",
      "machine other.test",
      '  login "bob smith" password "a \\"quoted\\" one"',
      "macdef init",
      "cd /pub",
      "binary",
      "",
      "default login anonymous password guest@"
    ].join("\n")
    const entries = Netrc.parse(text)
    assert.isTrue(Either.isRight(entries))
    if (Either.isRight(entries)) {
      assert.deepStrictEqual(Netrc.credentialsFor(entries.right, "FILES.test"), {
        username: "alice",
        password: "s3cret"
      })
      assert.deepStrictEqual(Netrc.credentialsFor(entries.right, "other.test"), {
        username: "bob smith",
        password: 'a "quoted" one'
      })
      assert.deepStrictEqual(Netrc.credentialsFor(entries.right, "elsewhere.test"), {
        username: "anonymous",
        password: "guest@"
      })
    }
  })

  it("no default: a host not listed has no credentials", () => {
    const entries = Netrc.parse("machine a.test login u password p\n")
    assert.strictEqual(
      Either.isRight(entries) ? Netrc.credentialsFor(entries.right, "b.test") : "bad",
      undefined
    )
  })

  it("refuses what is not netrc with its line, never quoting a password", () => {
    const bad = Netrc.parse("machine a.test login u\npasword hunter2\n")
    assert.isTrue(Either.isLeft(bad))
    if (Either.isLeft(bad)) {
      assert.strictEqual(bad.left.line, 2)
      assert.notInclude(bad.left.message, "hunter2")
    }
    assert.isTrue(Either.isLeft(Netrc.parse('machine a.test password "open')))
    assert.isTrue(Either.isLeft(Netrc.parse("login u password p")))
  })
})
