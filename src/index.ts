/**
 * effect-flags: Fluent Python's concurrency examples as Effect programs, for embedding in Effect apps.
 * Each name is exported once: the downloader's and the spinner's functions by name, every other
 * module as a namespace.
 */

export * as PrimeSpinDemo from "./cli/PrimeSpinDemo.js"
export * as SpinDemo from "./cli/SpinDemo.js"
export * as SpinTasks from "./cli/SpinTasks.js"
export * as CountryCodes from "./download/CountryCodes.js"
export * as DownloadErrors from "./download/DownloadErrors.js"
export {
  type DownloadConfig,
  type DownloadManyOptions,
  downloadMany,
  downloadOne,
  downloadStream
} from "./download/Downloader.js"
export * as DownloadMetrics from "./download/DownloadMetrics.js"
export * as FlagClient from "./download/FlagClient.js"
export * as FlagFiles from "./download/FlagFiles.js"
export * as HostPolicy from "./download/HostPolicy.js"
export * as Outcome from "./download/Outcome.js"
export * as Redirects from "./download/Redirects.js"
export * as RequestPhases from "./download/RequestPhases.js"
export {
  downloadUrlStream,
  downloadUrls,
  type UrlDownloadConfig,
  type UrlDownloadOptions
} from "./download/UrlDownloads.js"
export * as UrlList from "./download/UrlList.js"
export * as PrimeCheck from "./primes/PrimeCheck.js"
export * as PrimeFixture from "./primes/PrimeFixture.js"
export * as PrimePool from "./primes/PrimePool.js"
export * as PrimeRunner from "./primes/PrimeRunner.js"
export * as Primes from "./primes/Primes.js"
export * as FlagServer from "./server/FlagServer.js"
export * as FlagStore from "./server/FlagStore.js"
export * as ServerFaults from "./server/ServerFaults.js"
export * as Journal from "./session/Journal.js"
export * as JournalFormat from "./session/JournalFormat.js"
export * as Resume from "./session/Resume.js"
export * as Sessions from "./session/Sessions.js"
export * as Verify from "./session/Verify.js"
export * as OutputMode from "./terminal/OutputMode.js"
export * as Progress from "./terminal/Progress.js"
export * as ProgressEvent from "./terminal/ProgressEvent.js"
export * as RateEstimator from "./terminal/RateEstimator.js"
export * as Renderer from "./terminal/Renderer.js"
export * as RendererLogger from "./terminal/RendererLogger.js"
export { frameInterval, frames, spin, spinUntil, withSpinner } from "./terminal/Spinner.js"
export {
  type Task,
  type TaskOptions,
  type TrackOptions,
  trackStream,
  useTask,
  withTask
} from "./terminal/Task.js"
export * as TaskLine from "./terminal/TaskLine.js"
