/**
 * A program in a real terminal: a tmux server of its own (no user config) with one window of a given
 * size. What the program writes is watched as tmux reads it (`pipe-pane`), so a test acts on what the
 * terminal shows the moment it shows it, and knows when the program has ended, without polling the
 * screen.
 */
import { spawnSync } from "node:child_process"
import { constants, openSync } from "node:fs"
import { Socket } from "node:net"
import { join } from "node:path"
import { patientTimeout, tempDir } from "./cli.js"

/** Whether tmux is installed here. */
export const haveTmux = spawnSync("tmux", ["-V"]).status === 0

/**
 * `env …` for a command run in the window: a terminal user's (no CI, no colour, UTF-8), with the
 * phase timeout every bin run by the tests gets.
 */
export const terminalEnv = `env -u CI NO_COLOR=1 LANG=C.UTF-8 ${Object.entries(patientTimeout)
  .map(([name, value]) => `${name}=${value}`)
  .join(" ")}`

export interface TmuxWindow {
  /** What the program has written to its terminal so far. */
  readonly output: () => string
  /**
   * Resolves once `output` satisfies `holds` (rejects if the command ends first). tmux has then drawn
   * that output: a command sent to it after (a resize, a capture) comes after it.
   */
  readonly until: (holds: (output: string) => boolean) => Promise<void>
  /** Resolves once the command has ended and tmux has drawn everything it wrote. */
  readonly ended: Promise<void>
  /** The window's rows as tmux shows them, trailing spaces cut. */
  readonly screen: () => ReadonlyArray<string>
  /** Resizes the window; tmux tells the program (SIGWINCH). */
  readonly resize: (columns: number, rows: number) => void
  /** Ends the tmux server, and with it whatever still runs in the window. */
  readonly close: () => void
}

let opened = 0
// set as the window's title once the command has ended: tmux draws no title in the window, and the
// title comes after everything the command wrote
const endTitle = "effect-flags-tmux-ended"
const endMark = `\u001b]2;${endTitle}`

/**
 * Runs the shell `command` in a new tmux window of `columns` × `rows`; resolves once its output is
 * watched, which is before the command starts.
 */
export const openTmux = async (
  command: string,
  size: { readonly columns: number; readonly rows: number }
): Promise<TmuxWindow> => {
  const socket = `effect-flags-${process.pid}-${opened++}`
  const tmux = (...args: ReadonlyArray<string>) =>
    spawnSync("tmux", ["-L", socket, "-f", "/dev/null", ...args], { encoding: "utf8" })
  const fifo = join(tempDir("flags-tmux-"), "output")
  spawnSync("mkfifo", [fifo])
  // the command waits until its window's output goes to the fifo; the window stays for the capture
  // once it has ended (until close)
  const script = `tmux -L ${socket} wait-for watched; ${command}; printf '\\033]2;${endTitle}\\033\\\\'; sleep 600`
  tmux("new-session", "-d", "-s", "main", "-x", `${size.columns}`, "-y", `${size.rows}`, script)
  tmux("pipe-pane", "-O", "-t", "main", `exec cat > ${fifo}`)
  // opened for reading and writing, so the open neither waits for cat nor sees an end when it closes
  const stream = new Socket({ fd: openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK), writable: false })
  stream.setEncoding("utf8")
  let output = ""
  const waiting = new Set<() => void>()
  stream.on("data", (chunk) => {
    output += chunk
    for (const check of [...waiting]) check()
  })
  const watch = (holds: (output: string) => boolean, orElse?: (output: string) => Error) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        const ended = output.includes(endMark)
        if (!holds(output) && !(ended && orElse !== undefined)) return
        waiting.delete(check)
        if (holds(output)) resolve()
        else reject(orElse?.(output))
      }
      waiting.add(check)
      check()
    })
  const until = (holds: (output: string) => boolean) =>
    watch(holds, (text) => new Error(`the command ended first; it wrote ${JSON.stringify(text)}`))
  tmux("wait-for", "-S", "watched")
  return {
    output: () => output,
    until,
    ended: watch((text) => text.includes(endMark)),
    screen: () =>
      tmux("capture-pane", "-p", "-t", "main")
        .stdout.split("\n")
        .slice(0, size.rows)
        .map((line) => line.trimEnd()),
    resize: (columns, rows) => {
      tmux("resize-window", "-t", "main", "-x", `${columns}`, "-y", `${rows}`)
    },
    close: () => {
      tmux("kill-server")
      stream.destroy()
    }
  }
}
