/**
 * effect-flags/node: what needs Node and `@effect/platform-node`: the fast `node:http` client, the flag
 * server's Node listener, the prime pool on worker threads.
 */
export * as NodeFlagServer from "./NodeFlagServer.js"
export * as NodeHttpClient from "./NodeHttpClient.js"
export * as NodePrimePool from "./NodePrimePool.js"
