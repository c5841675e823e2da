/** effect-flags/session: batch downloads that resume: the journal, its format, resume rules, verify. */
export * as Journal from "./Journal.js"
export * as JournalFormat from "./JournalFormat.js"
export * as Resume from "./Resume.js"
export * as Sessions from "./Sessions.js"
export * as Verify from "./Verify.js"
