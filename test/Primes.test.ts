/**
 * The book's check, exact: the fixture's answers, an independent reference (Miller–Rabin, deterministic
 * below 3.3·10^24) at the edges of each arithmetic (2^53, 2^64), and the divisor found at exactly the
 * candidate it should be — a wrong remainder would find it early, late or never.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import { PrimeFixture, PrimeRunner, Primes } from "../src/index.js"
import { isqrt } from "../src/primes/internal/isqrt.js"

const modPow = (base: bigint, exponent: bigint, modulus: bigint) => {
  let result = 1n
  let b = base % modulus
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus
    b = (b * b) % modulus
  }
  return result
}
const witnesses = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n, 41n]
/** Miller–Rabin with the first 13 primes as witnesses: exact for n < 3.3·10^24. */
const reference = (n: bigint): boolean => {
  if (n < 2n) return false
  for (const p of witnesses) if (n % p === 0n) return n === p
  let d = n - 1n
  let s = 0
  while (d % 2n === 0n) {
    d /= 2n
    s++
  }
  return witnesses.every((a) => {
    let x = modPow(a, d, n)
    if (x === 1n || x === n - 1n) return true
    for (let i = 1; i < s; i++) {
      x = (x * x) % n
      if (x === n - 1n) return true
    }
    return false
  })
}
const nextPrime = (n: bigint) => {
  let p = n % 2n === 0n ? n + 1n : n
  while (!reference(p)) p += 2n
  return p
}
const sieve = (limit: number) => {
  const composite = new Uint8Array(limit + 1)
  for (let i = 2; i * i <= limit; i++)
    if (!composite[i]) for (let j = i * i; j <= limit; j += i) composite[j] = 1
  return (n: number) => n >= 2 && !composite[n]
}

describe("the book's fixture", () => {
  it("agrees with the reference (the fixture is transcribed right)", () => {
    for (const { n, prime } of PrimeFixture.fixture) assert.strictEqual(reference(n), prime, String(n))
    assert.isTrue(reference(PrimeFixture.spinnerNumber))
    assert.deepStrictEqual(
      PrimeFixture.numbers,
      PrimeFixture.fixture.map((e) => e.n)
    )
  })

  it.effect("every number's answer through the main-fiber check (the blocking runner)", () =>
    Effect.gen(function* () {
      for (const { n, prime } of PrimeFixture.fixture)
        assert.strictEqual(yield* PrimeRunner.blocking(n), prime, String(n))
    })
  )

  it("needs exact arithmetic: two numbers are beyond what a double holds", () => {
    const beyond = PrimeFixture.numbers.filter((n) => n > BigInt(Number.MAX_SAFE_INTEGER))
    assert.deepStrictEqual(beyond, [9_999_999_999_999_917n, 9_999_999_999_999_999n])
    for (const n of beyond) assert.notStrictEqual(BigInt(Number(n)), n)
  })
})

describe("isPrime", () => {
  it("every n below 20,000 as a sieve says (bigint and number alike)", () => {
    const prime = sieve(20_000)
    for (let n = -3; n <= 20_000; n++) {
      assert.strictEqual(Primes.isPrime(n), prime(n), String(n))
      assert.strictEqual(Primes.isPrime(BigInt(n)), prime(n), String(n))
    }
  })

  it("as the reference at the edges of each arithmetic", () => {
    // the composites just below and above each edge that have a factor under 10^5 (quick to find)
    const smallFactor = (n: bigint) => {
      for (let d = 2n; d < 100_000n; d++) if (n % d === 0n) return true
      return false
    }
    for (const edge of [2n ** 53n, 2n ** 64n]) {
      const composites = []
      for (let n = edge - 40n; n <= edge + 40n; n++) if (!reference(n) && smallFactor(n)) composites.push(n)
      assert.isAtLeast(composites.length, 60)
      for (const n of composites) assert.isFalse(Primes.isPrime(n), String(n))
    }
    const below53 = (() => {
      let p = 2n ** 53n - 1n
      while (!reference(p)) p -= 2n
      return p
    })()
    for (const p of [below53, nextPrime(2n ** 53n)]) assert.isTrue(Primes.isPrime(p), String(p))
  })

  it("rejects a number that has already lost digits", () => {
    assert.throws(() => Primes.isPrime(2 ** 60), RangeError)
    assert.throws(() => Primes.isPrime(2.5), RangeError)
  })
})

describe("trial", () => {
  // n = p·q with p the smallest factor: no divisor among the (p − 3) / 2 candidates below p, then p
  const semiprime = FastCheck.tuple(
    FastCheck.bigInt({ min: 3n, max: 2n ** 21n }),
    FastCheck.bigInt({ min: 2n ** 20n, max: 2n ** 44n })
  ).map(([a, b]) => {
    const p = nextPrime(a)
    const q = b > p ? nextPrime(b) : nextPrime(p)
    return { p, n: p * q }
  })

  it("finds the smallest factor at exactly its candidate, in every arithmetic", () => {
    FastCheck.assert(
      FastCheck.property(semiprime, ({ p, n }) => {
        const check = Primes.trial(n)
        const before = Number((p - 3n) / 2n)
        if (before > 0) assert.isUndefined(check.advance(before), `${n} = ${p}·…: a divisor below ${p}`)
        assert.isFalse(check.advance(1), `${n}: ${p} not found`)
        assert.isFalse(check.advance(1), "the answer stays")
      }),
      { numRuns: 100, seed: 16 }
    )
    // the three arithmetics were all exercised
    const samples = FastCheck.sample(semiprime, { numRuns: 100, seed: 16 }).map(({ n }) => n)
    assert.isTrue(samples.some((n) => n < 2n ** 53n))
    assert.isTrue(samples.some((n) => n > 2n ** 53n && n < 2n ** 64n))
    assert.isTrue(samples.some((n) => n >= 2n ** 64n))
  })

  it("a prime is decided after its last candidate, not before", () => {
    const p = 1_000_003n // ⌊√p⌋ = 1000: candidates 3, 5, …, 999
    const check = Primes.trial(p)
    assert.isUndefined(check.advance(498))
    assert.isTrue(check.advance(1))
  })
})

describe("isqrt", () => {
  it("is ⌊√n⌋ exactly, far beyond a double's precision", () => {
    FastCheck.assert(
      FastCheck.property(FastCheck.bigInt({ min: 0n, max: 2n ** 200n }), (n) => {
        const r = isqrt(n)
        assert.isTrue(r * r <= n && (r + 1n) * (r + 1n) > n, String(n))
      }),
      { numRuns: 500, seed: 16 }
    )
  })
})
