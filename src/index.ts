/**
 * effect-flags: Fluent Python's concurrency examples as Effect programs, for embedding in Effect apps.
 * Each name is exported once: the downloader's and the spinner's functions by name, every other
 * module as a namespace.
 */

export * as CountryCodes from "./CountryCodes.js"
export * as DownloadErrors from "./DownloadErrors.js"
export {
  type DownloadConfig,
  type DownloadManyOptions,
  downloadMany,
  downloadOne,
  downloadStream
} from "./Downloader.js"
export * as DownloadMetrics from "./DownloadMetrics.js"
export * as FlagClient from "./FlagClient.js"
export * as FlagFiles from "./FlagFiles.js"
export * as FlagServer from "./FlagServer.js"
export * as FlagStore from "./FlagStore.js"
export * as HostPolicy from "./HostPolicy.js"
export * as Journal from "./Journal.js"
export * as JournalFormat from "./JournalFormat.js"
export * as Outcome from "./Outcome.js"
export * as OutputMode from "./OutputMode.js"
export * as PrimeCheck from "./PrimeCheck.js"
export * as PrimeFixture from "./PrimeFixture.js"
export * as PrimePool from "./PrimePool.js"
export * as PrimeRunner from "./PrimeRunner.js"
export * as PrimeSpinDemo from "./PrimeSpinDemo.js"
export * as Primes from "./Primes.js"
export * as Progress from "./Progress.js"
export * as ProgressEvent from "./ProgressEvent.js"
export * as RateEstimator from "./RateEstimator.js"
export * as Redirects from "./Redirects.js"
export * as Renderer from "./Renderer.js"
export * as RendererLogger from "./RendererLogger.js"
export * as RequestPhases from "./RequestPhases.js"
export * as Resume from "./Resume.js"
export * as ServerFaults from "./ServerFaults.js"
export * as Sessions from "./Sessions.js"
export * as SpinDemo from "./SpinDemo.js"
export { frameInterval, frames, spin, spinUntil, withSpinner } from "./Spinner.js"
export * as SpinTasks from "./SpinTasks.js"
export { type Task, type TaskOptions, type TrackOptions, trackStream, useTask, withTask } from "./Task.js"
export * as TaskLine from "./TaskLine.js"
export {
  downloadUrlStream,
  downloadUrls,
  type UrlDownloadConfig,
  type UrlDownloadOptions
} from "./UrlDownloads.js"
export * as UrlList from "./UrlList.js"
export * as Verify from "./Verify.js"
