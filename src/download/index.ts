/**
 * effect-flags/download: the flag downloader (`flags2` / `flags3`) and polite downloads of any URL list,
 * with per-phase timeouts, atomic saves, typed errors and outcomes; asks only for platform services.
 */
export * as Bandwidth from "./Bandwidth.js"
export * as Checksum from "./Checksum.js"
export * as CountryCodes from "./CountryCodes.js"
export * as Destination from "./Destination.js"
export * as DownloadEngine from "./DownloadEngine.js"
export * as DownloadErrors from "./DownloadErrors.js"
export {
  type DownloadConfig,
  type DownloadManyOptions,
  downloadMany,
  downloadOne,
  downloadStream
} from "./Downloader.js"
export * as DownloadMetrics from "./DownloadMetrics.js"
export * as HostPolicy from "./HostPolicy.js"
export * as HttpGet from "./HttpGet.js"
export * as Netrc from "./Netrc.js"
export * as Outcome from "./Outcome.js"
export * as Redirects from "./Redirects.js"
export * as RequestPhases from "./RequestPhases.js"
export {
  downloadUrlStream,
  downloadUrls,
  type UrlDownloadConfig,
  type UrlDownloadOptions
} from "./UrlDownloads.js"
export * as UrlList from "./UrlList.js"
