/** The integer square root `Primes` bounds its trial division by, exact far beyond a double's precision. */

/** ⌊√n⌋, exactly (Newton's method on BigInt; n ≥ 0). */
export const isqrt = (n: bigint): bigint => {
  if (n < 2n) return n
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2))
  for (;;) {
    const y = (x + n / x) >> 1n
    if (y >= x) return x
    x = y
  }
}
