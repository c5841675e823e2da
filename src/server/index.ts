/**
 * effect-flags/server: the book's flag server on the platform's `HttpServer`, its store and fault menu
 * (the Node listener is `NodeFlagServer`, in effect-flags/node).
 */
export * as FlagServer from "./FlagServer.js"
export * as FlagStore from "./FlagStore.js"
export * as ServerFaults from "./ServerFaults.js"
