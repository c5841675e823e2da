/** Whether a build's outputs are newer than everything they are made of (file times, as make does). */
import { readdirSync, statSync } from "node:fs"
import { join } from "node:path"

/** The newest modification time below a path; folders count too (a deleted file changes its folder's time). */
export const newest = (path: string): number => {
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  let time = stat.mtimeMs
  for (const name of readdirSync(path)) time = Math.max(time, newest(join(path, name)))
  return time
}

/** Every output exists under `root` and is newer than every input: a build need not run again. */
export const isFresh = (
  root: string,
  outputs: ReadonlyArray<string>,
  inputs: ReadonlyArray<string>
): boolean => {
  let oldestOutput: number
  try {
    oldestOutput = Math.min(...outputs.map((file) => statSync(join(root, file)).mtimeMs))
  } catch {
    return false
  }
  return oldestOutput > Math.max(...inputs.map((input) => newest(join(root, input))))
}
