/**
 * The book's numbers (Fluent Python 2e, `19-concurrency/primes/primes.py`, `PRIME_FIXTURE`): 20 large
 * integers with whether each is prime, and the number of the spinner examples
 * (`spinner_prime_async_nap.py`). Two of them exceed 2^53, so all are `bigint`.
 */

/** A number and whether it is prime, as the book lists it. */
export interface FixtureEntry {
  readonly n: bigint
  readonly prime: boolean
}

/** `PRIME_FIXTURE`, in the book's order (the order `procs.py` queues them in). */
export const fixture: ReadonlyArray<FixtureEntry> = [
  { n: 2n, prime: true },
  { n: 142702110479723n, prime: true },
  { n: 299593572317531n, prime: true },
  { n: 3333333333333301n, prime: true },
  { n: 3333333333333333n, prime: false },
  { n: 3333335652092209n, prime: false },
  { n: 4444444444444423n, prime: true },
  { n: 4444444444444444n, prime: false },
  { n: 4444444488888889n, prime: false },
  { n: 5555553133149889n, prime: false },
  { n: 5555555555555503n, prime: true },
  { n: 5555555555555555n, prime: false },
  { n: 6666666666666666n, prime: false },
  { n: 6666666666666719n, prime: true },
  { n: 6666667141414921n, prime: false },
  { n: 7777777536340681n, prime: false },
  { n: 7777777777777753n, prime: true },
  { n: 7777777777777777n, prime: false },
  { n: 9999999999999917n, prime: true },
  { n: 9999999999999999n, prime: false }
]

/** `NUMBERS`: the fixture's numbers, what `flags primes` checks by default. */
export const numbers: ReadonlyArray<bigint> = fixture.map((entry) => entry.n)

/** The spinner examples' number: 5,000,111,000,222,021, a prime. */
export const spinnerNumber = 5_000_111_000_222_021n
