/** effect-flags/primes: the book's `is_prime`, its runners and a pool of workers on the platform's `Worker`. */
export * as PrimeCheck from "./PrimeCheck.js"
export * as PrimeFixture from "./PrimeFixture.js"
export * as PrimePool from "./PrimePool.js"
export * as PrimeRunner from "./PrimeRunner.js"
export * as Primes from "./Primes.js"
