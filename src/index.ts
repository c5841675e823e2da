/**
 * effect-flags: Fluent Python's concurrency examples as Effect programs, for embedding in Effect apps.
 * The products' public APIs, each also its own entry point (`effect-flags/download`, …); what needs
 * `@effect/platform-node` is in `effect-flags/node` only.
 */
export * from "./download/index.js"
export * from "./primes/index.js"
export * from "./server/index.js"
export * from "./session/index.js"
export * from "./terminal/index.js"
