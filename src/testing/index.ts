/**
 * effect-flags/testing: the fakes this project's own tests use, for testing code that uses the library
 * without a network, a disk, a terminal or real time. Each is a layer or a service plus what it recorded.
 *
 * - `MemoryHttpClient`: answers from a function of the URL after delays on Effect's clock, counting
 *   requests in flight; a body may stall or break mid-way (`reset`); `flagSite(codes)` answers the
 *   layout the downloader asks for (`{baseUrl}/{cc}/{cc}.{ext}`, `{baseUrl}/{cc}/metadata.json`).
 * - `ServedFile`: one file served with `Range`/`If-Range` as RFC 9110 says (or ignored, as Python's
 *   http.server does), in timed chunks, broken at a chosen byte, changed between requests.
 * - `MemoryFileSystem`: files in a `Map` with their mtimes; slow writes, a full disk.
 * - `MemoryJournal`: a session journal in memory (`Journal.makeMemory`): its layer, and what it holds
 *   (what a crash would leave), its writes and syncs.
 * - `RecordingTerminal`: every write with the time it happened at.
 * - `ScreenTerminal` and `ScreenModel`: a `Terminal` that applies what is written (`\r`, cursor moves,
 *   erases, wrapping, SGR, OSC 9;4) to a grid of cells, so a test asserts what a person would see.
 */
export * as MemoryFileSystem from "./MemoryFileSystem.js"
export * as MemoryHttpClient from "./MemoryHttpClient.js"
export * as MemoryJournal from "./MemoryJournal.js"
export * as RecordingTerminal from "./RecordingTerminal.js"
export * as ScreenModel from "./ScreenModel.js"
export * as ScreenTerminal from "./ScreenTerminal.js"
export * as ServedFile from "./ServedFile.js"
