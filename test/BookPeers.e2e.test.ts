/**
 * The book's own servers as peers nobody here wrote: Python's `http.server` (a listen backlog of 5, a new
 * connection for every answer), and our server imitating it (`--backlog 5 --http10`) and `slow_server.py`.
 * The real bin against each, as the book's README tells its readers to run them.
 */
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { reportCounts, runCli, tempDir } from "./support/cli.js"
import {
  bundledPng,
  havePython,
  type ServerProcess,
  startFlagsServe,
  startPythonHttpServer,
  writeBookLayout
} from "./support/servers.js"

const site = tempDir("flags-book-site-")
let codes: ReadonlyArray<string> = []
beforeAll(() => {
  codes = writeBookLayout(site)
})

/** `-e -m 100` against `baseUrl`: every published flag saved byte for byte, the rest not found, no error. */
const hitAsHardAsYouCan = async (baseUrl: string) => {
  const dest = tempDir()
  const result = await runCli(["download", "-s", baseUrl, "--ext", "png", "-e", "-m", "100", "-d", dest])
  const counts = reportCounts(result.stdout)
  assert.deepStrictEqual(counts, { ok: codes.length, notFound: 676 - codes.length, errors: 0 }, result.stdout)
  assert.strictEqual(result.code, 0, result.stderr)
  const files = readdirSync(dest).sort()
  assert.deepStrictEqual(
    files,
    codes.map((cc) => `${cc}.png`)
  )
  for (const file of files) assert.isTrue(readFileSync(join(dest, file)).equals(bundledPng(file.slice(0, 2))))
}

describe("the book's servers", () => {
  const servers: Array<ServerProcess> = []
  afterAll(() => Promise.all(servers.map((server) => server.stop())))

  it.skipIf(!havePython)("python3 -m http.server, hit as hard as you can (-e -m 100): 0 errors", async () => {
    const server = await startPythonHttpServer(site)
    servers.push(server)
    await hitAsHardAsYouCan(server.baseUrl)
  })
  if (!havePython) it.skip("python3 is not installed here: Python's http.server was not tried", () => {})

  it("flags serve --backlog 5 --http10 (Python's behaviour, our server), -e -m 100: 0 errors", async () => {
    const server = await startFlagsServe(["--backlog", "5", "--http10", "--quiet", "--dir", site])
    servers.push(server)
    await hitAsHardAsYouCan(server.baseUrl)
  })

  it("slow_server.py's faults on a backlog of 5: the server's own log says which codes arrive", async () => {
    const server = await startFlagsServe([
      "--backlog",
      "5",
      "--http10",
      "--delay",
      "0.5s..5s",
      "--error-rate",
      ".25",
      "--seed",
      "2024"
    ])
    servers.push(server)
    const dest = tempDir()
    const spawnedAt = Date.now()
    const result = await runCli([
      "download",
      "-s",
      server.baseUrl,
      "--ext",
      "png",
      "-a",
      "-l",
      "60",
      "-m",
      "60",
      "-v",
      "-d",
      dest
    ])
    // the log line of each request is written as it arrives and its fate is drawn: `BR delay: 0.97s 200`
    const fate = new Map<
      string,
      { readonly delay: number; readonly status: number; readonly arrived: number }
    >()
    server.lines.forEach((line, i) => {
      const match = /^([A-Z]{2}) delay: ([\d.]+)s (\d{3})$/.exec(line)
      const arrived = ((server.readAt[i] ?? Number.POSITIVE_INFINITY) - spawnedAt) / 1000
      if (match) fate.set(match[1] as string, { delay: Number(match[2]), status: Number(match[3]), arrived })
    })
    const said = new Map<string, string>()
    for (const line of result.stdout.split("\n")) {
      const match = /^([A-Z]{2}) (.*)$/.exec(line)
      if (match) said.set(match[1] as string, match[2] as string)
    }
    assert.strictEqual(said.size, 60, result.stdout)
    let ok = 0
    let judged = 0
    for (const [cc, outcome] of said) {
      const drawn = fate.get(cc)
      if (outcome === "OK") ok++
      // never seen by the server (its accept queue full for longer than the timeout): it timed out
      if (drawn === undefined) {
        assert.match(outcome, /^error: timed out (connecting|waiting for the answer) after 3\.1s$/, cc)
        continue
      }
      const { delay, status, arrived } = drawn
      // the client waited at most from its spawn to the request's arrival (read here, so later than it
      // was) plus the delay: under 2.6 s, half a second inside the timeout, the answer must have come
      const answered = arrived + delay < 2.6
      if (delay > 3.6) assert.strictEqual(outcome, "error: timed out waiting for the answer after 3.1s", cc)
      else if (answered && status === 418)
        assert.strictEqual(outcome, "error: HTTP error 418 - I'm a Teapot", cc)
      else if (answered && status === 404) assert.match(outcome, /^not found: /, cc)
      else if (answered) assert.strictEqual(outcome, "OK", `${cc} delay ${delay}s, status ${status}`)
      if (answered || delay > 3.6) judged++
    }
    // the seeded delays put about half the codes on a side of the timeout: a run that judged few proves little
    assert.isAtLeast(judged, 20, "codes whose outcome the server's log decides")
    assert.strictEqual(reportCounts(result.stdout).ok, ok)
    assert.strictEqual(readdirSync(dest).length, ok, "only the codes that arrived are saved")
  })
})
