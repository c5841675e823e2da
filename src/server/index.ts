/**
 * effect-flags/server: the book's flag server on the platform's `HttpServer`, its store and fault menu,
 * and its replies for a listener of one's own (`FlagResponder`; the Node listener is `NodeFlagServer`, in
 * effect-flags/node).
 */
export * as FlagResponder from "./FlagResponder.js"
export * as FlagServer from "./FlagServer.js"
export * as FlagStore from "./FlagStore.js"
export * as ServerFaults from "./ServerFaults.js"
