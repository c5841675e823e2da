/** How much room a disk has left: what a "disk full" message says beside the path it could not write. */
import { statfs } from "node:fs/promises"
import { dirname } from "node:path"
import * as Effect from "effect/Effect"

/** Bytes free to an unprivileged user on the disk holding `path` (its folder); `undefined` if unknown. */
export const freeBytes = (path: string): Effect.Effect<number | undefined> =>
  Effect.promise(() =>
    statfs(dirname(path)).then(
      (stats) => Number(stats.bavail) * Number(stats.bsize),
      () => undefined
    )
  )
