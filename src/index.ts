/**
 * effect-flags: Fluent Python's concurrency examples as Effect programs, for embedding in Effect apps.
 */

export { ExitCode } from "./ExitCode.js"
export * as SpinDemo from "./SpinDemo.js"
export * as Spinner from "./Spinner.js"
export { frameInterval, frames, spin, spinUntil, withSpinner } from "./Spinner.js"
export * as FlagServer from "./FlagServer.js"
export * as FlagStore from "./FlagStore.js"
export * as ServerFaults from "./ServerFaults.js"
