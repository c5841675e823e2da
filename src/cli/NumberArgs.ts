/** Whole numbers on the command line, for `flags primes` and `flags spin --number`. */
import * as Either from "effect/Either"
import { maxFast } from "../primes/Primes.js"

/**
 * Reads a whole number written with digits, optionally grouped by `_` (Python's `5_000_111_000_222_021`)
 * or `,` (the result line's `5,000,111,000,222,021`), from 0 to 2^64 − 1: beyond that the check
 * leaves fast arithmetic, and a prime that large has billions of candidates.
 */
export const parseNumber = (text: string, label: string): Either.Either<bigint, string> => {
  if (!/^\d+([_,]\d+)*$/.test(text)) {
    return Either.left(
      `${label} must be a whole number ≥ 0 (digits, optionally grouped with _ or ,), got "${text}"`
    )
  }
  const n = BigInt(text.replace(/[_,]/g, ""))
  return n > maxFast
    ? Either.left(`${label} must be at most ${maxFast} (2^64 − 1), got ${text}`)
    : Either.right(n)
}
