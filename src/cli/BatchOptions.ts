/** The options `flags download` and `flags fetch` share: how many at once, where to, how, and how it shows. */
import * as Options from "@effect/cli/Options"
import * as Config from "effect/Config"
import * as OutputMode from "../OutputMode.js"
import { refine } from "./Validation.js"

/** The most concurrent requests `-m` accepts. */
export const maxRequests = 1000

/** The shared options, by the names the commands' handlers read them. */
export const batchOptions = {
  maxReq: Options.integer("max-req").pipe(
    Options.withAlias("m"),
    Options.withAlias("max_req"),
    Options.withDescription(`Concurrent requests, at most ${maxRequests} (env FLAGS_MAX_REQ).`),
    Options.withFallbackConfig(Config.integer("FLAGS_MAX_REQ")),
    Options.withDefault(5),
    refine(
      (n) => n >= 1 && n <= maxRequests,
      (n) => `--max-req must be between 1 and ${maxRequests}, got ${n}`
    )
  ),
  dest: Options.text("dest").pipe(
    Options.withAlias("d"),
    Options.withDescription("Folder for the files (created if missing; its parent must exist)."),
    Options.withDefault("downloaded")
  ),
  onExists: Options.choice("on-exists", ["overwrite", "skip", "rename"]).pipe(
    Options.withDescription(
      "A file of the name already in dest: overwrite it (default), skip the download (reported skipped), or save as name-1.ext."
    ),
    Options.withDefault("overwrite" as const)
  ),
  verbose: Options.boolean("verbose").pipe(
    Options.withAlias("v"),
    Options.withDescription("One line per download (BR OK, ZZ not found: URL), above the bar on a terminal.")
  ),
  timeout: Options.float("timeout").pipe(
    Options.withDescription(
      "Seconds for each phase of a request, as the book's timeout=3.1: connecting, sending, waiting for the answer, each gap between body bytes."
    ),
    refine(
      (s) => s > 0 && s <= 3600,
      (s) => `--timeout must be between 0 and 3600 seconds, got ${s}`
    ),
    Options.withDefault(3.1)
  ),
  maxTime: Options.float("max-time").pipe(
    Options.withDescription(
      "Seconds for a whole download, its retries included (curl's --max-time). Default: no limit."
    ),
    refine(
      (s) => s > 0 && s <= 86_400,
      (s) => `--max-time must be between 0 and 86400 seconds, got ${s}`
    ),
    Options.optional
  ),
  retries: Options.integer("retries").pipe(
    Options.withDescription(
      "Retries of transient failures (exponential backoff with jitter, honours Retry-After)."
    ),
    refine(
      (n) => n >= 0 && n <= 20,
      (n) => `--retries must be between 0 and 20, got ${n}`
    ),
    Options.withDefault(0)
  ),
  json: Options.boolean("json").pipe(
    Options.withDescription("A JSON final report on stdout instead of the text one.")
  ),
  progress: Options.choice("progress", OutputMode.choices).pipe(
    Options.withDescription(
      "Progress on stderr: auto (a live bar on a terminal, plain lines elsewhere or under CI), live, plain, json (NDJSON events), none (env FLAGS_PROGRESS)."
    ),
    Options.withFallbackConfig(OutputMode.choice("FLAGS_PROGRESS")),
    Options.withDefault("auto" as const)
  ),
  taskbar: Options.boolean("taskbar").pipe(
    Options.withDescription(
      "Show progress in the terminal's taskbar too (OSC 9;4: Windows Terminal, ConEmu, Ghostty…)."
    )
  )
}
