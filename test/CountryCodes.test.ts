import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import { bookCodes, everyCode, expand, select, top20 } from "../src/download/CountryCodes.js"

// A small reference implementation of flags2_common.expand_cc_args, written independently.
const reference = (every: boolean, all: boolean, args: ReadonlyArray<string>, limit: number | undefined) => {
  const AZ = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
  const out = new Set<string>()
  for (const arg of args) {
    const up = arg.toUpperCase()
    if (up.length === 1 && AZ.includes(up)) for (const c of AZ) out.add(up + c)
    else if (up.length === 2 && AZ.includes(up[0] ?? "?") && AZ.includes(up[1] ?? "?")) out.add(up)
    else return "usage error"
  }
  let codes: Array<string>
  if (every) codes = [...AZ].flatMap((a) => [...AZ].map((b) => a + b))
  else if (all) codes = [...bookCodes]
  else codes = args.length > 0 ? [...out] : [...top20]
  codes.sort()
  return limit === undefined ? codes : codes.slice(0, limit)
}

const argument = FastCheck.oneof(
  FastCheck.constantFrom(..."abcxyzABCXYZ".split("")),
  FastCheck.stringMatching(/^[A-Za-z]{2}$/),
  FastCheck.string({ maxLength: 4 })
)

describe("CountryCodes", () => {
  it("expands letters, merges duplicates and sorts", () => {
    assert.deepStrictEqual(Either.getOrThrow(expand(["b"])).slice(0, 3), ["BA", "BB", "BC"])
    assert.strictEqual(Either.getOrThrow(expand(["B"])).length, 26)
    assert.deepStrictEqual(Either.getOrThrow(expand(["us", "BR", "br", "US"])), ["BR", "US"])
    assert.strictEqual(everyCode.length, 676)
    assert.strictEqual(bookCodes.length, 194)
    for (const bad of ["BRA", "1", "", "B1", "é"]) {
      const result = expand([bad])
      assert.isTrue(Either.isLeft(result), bad)
      if (Either.isLeft(result))
        assert.strictEqual(result.left.message, "each CC argument must be A to Z or AA to ZZ")
    }
  })

  it("selects as the book does, for any arguments (property)", () => {
    FastCheck.assert(
      FastCheck.property(
        FastCheck.boolean(),
        FastCheck.boolean(),
        FastCheck.array(argument, { maxLength: 5 }),
        FastCheck.option(FastCheck.integer({ min: 1, max: 700 }), { nil: undefined }),
        (every, all, args, limit) => {
          const expected = reference(every, all, args, limit)
          const actual = select({ every, all, args, limit })
          if (expected === "usage error") assert.isTrue(Either.isLeft(actual))
          else assert.deepStrictEqual(Either.getOrThrow(actual), expected)
        }
      ),
      { numRuns: 500 }
    )
  })

  it("-a means what the server publishes when it says", () => {
    assert.deepStrictEqual(
      Either.getOrThrow(select({ args: [], all: true, every: false, published: ["zw", "AD"] })),
      ["AD", "ZW"]
    )
    assert.deepStrictEqual(Either.getOrThrow(select({ args: [], all: false, every: false, limit: 3 })), [
      "BD",
      "BR",
      "CD"
    ])
  })
})
