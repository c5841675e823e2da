/**
 * effect-flags: Fluent Python's concurrency examples as Effect programs, for embedding in Effect apps.
 */

export * as CountryCodes from "./CountryCodes.js"
export * as DownloadErrors from "./DownloadErrors.js"
export * as Downloader from "./Downloader.js"
export { downloadMany, downloadOne, downloadStream } from "./Downloader.js"
export * as DownloadMetrics from "./DownloadMetrics.js"
export * as DownloadRun from "./DownloadRun.js"
export { ExitCode } from "./ExitCode.js"
export * as FlagClient from "./FlagClient.js"
export * as FlagFiles from "./FlagFiles.js"
export * as FlagServer from "./FlagServer.js"
export * as FlagStore from "./FlagStore.js"
export * as Progress from "./Progress.js"
export * as Report from "./Report.js"
export * as ServerFaults from "./ServerFaults.js"
export * as SpinDemo from "./SpinDemo.js"
export * as Spinner from "./Spinner.js"
export { frameInterval, frames, spin, spinUntil, withSpinner } from "./Spinner.js"
