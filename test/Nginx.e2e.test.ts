/**
 * The real peers of the resume tests, proved before they are relied on: nginx (started privately by
 * `support/nginx.ts`) honours `Range` and `If-Range` and its access log shows what each request asked;
 * Python's `http.server` ignores `Range` (a 200 with the whole file, no `Accept-Ranges`); and the big-file
 * maker gives the same bytes for the same seed.
 */

import { createHash } from "node:crypto"
import { readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { sha256File, writeBigFile } from "./support/bigFile.js"
import { tempDir } from "./support/cli.js"
import { haveNginx, type NginxServer, startNginx } from "./support/nginx.js"
import { havePython, type ServerProcess, startPythonHttpServer } from "./support/servers.js"

const size = 5 * 1024 * 1024
const site = tempDir("flags-nginx-site-")
const file = join(site, "big.bin")
let sha = ""
beforeAll(async () => {
  sha = await writeBigFile(file, size, "nginx-smoke")
})

/** GET `url` with `headers`: the status, the headers and the whole body. */
const get = async (url: string, headers: Record<string, string> = {}) => {
  const response = await fetch(url, { headers })
  return {
    status: response.status,
    headers: response.headers,
    body: new Uint8Array(await response.arrayBuffer())
  }
}
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")

describe("writeBigFile", () => {
  it("gives the same bytes for the same seed and others for another, a partial block included", async () => {
    const dir = tempDir("flags-big-")
    const odd = 3 * 1024 * 1024 + 1
    const first = await writeBigFile(join(dir, "a"), odd, 7)
    assert.strictEqual(await writeBigFile(join(dir, "b"), odd, 7), first)
    assert.notStrictEqual(await writeBigFile(join(dir, "c"), odd, 8), first)
    assert.strictEqual(statSync(join(dir, "a")).size, odd)
    assert.strictEqual(await sha256File(join(dir, "a")), first)
    // no two blocks alike: a resume at a wrong offset, even by whole blocks, shows
    const bytes = readFileSync(join(dir, "a"))
    const mib = 1024 * 1024
    assert.notStrictEqual(sha256(bytes.subarray(0, mib)), sha256(bytes.subarray(mib, 2 * mib)))
  })
})

describe.skipIf(!haveNginx)("nginx", () => {
  let nginx: NginxServer
  beforeAll(async () => {
    nginx = await startNginx(site)
  })
  afterAll(() => nginx?.stop())

  it("serves the big file whole, with a strong ETag and Accept-Ranges: bytes", async () => {
    const answer = await get(`${nginx.baseUrl}/big.bin`)
    assert.strictEqual(answer.status, 200)
    assert.strictEqual(answer.headers.get("accept-ranges"), "bytes")
    assert.match(answer.headers.get("etag") ?? "", /^"[0-9a-f]+-[0-9a-f]+"$/)
    assert.strictEqual(sha256(answer.body), sha)
  })

  it("Range with the right If-Range: a 206 with the rest; a wrong one: a 200 with the whole; the log shows both", async () => {
    const etag = (await fetch(`${nginx.baseUrl}/big.bin`, { method: "HEAD" })).headers.get("etag") ?? ""
    const rest = await get(`${nginx.baseUrl}/big.bin`, { range: "bytes=1000-", "if-range": etag })
    assert.strictEqual(rest.status, 206)
    assert.strictEqual(rest.headers.get("content-range"), `bytes 1000-${size - 1}/${size}`)
    assert.deepStrictEqual(rest.body, new Uint8Array(readFileSync(file).subarray(1000)))
    const stale = await get(`${nginx.baseUrl}/big.bin`, { range: "bytes=1000-", "if-range": '"0-0"' })
    assert.strictEqual(stale.status, 200)
    assert.strictEqual(sha256(stale.body), sha)
    const log = await nginx.logged((entries) => entries.filter((e) => e.range !== undefined).length >= 2)
    assert.deepStrictEqual(
      log
        .filter((entry) => entry.range !== undefined)
        .map(({ method, uri, status, bytesSent, range, ifRange }) => ({
          method,
          uri,
          status,
          bytesSent,
          range,
          ifRange
        })),
      [
        {
          method: "GET",
          uri: "/big.bin",
          status: 206,
          bytesSent: size - 1000,
          range: "bytes=1000-",
          ifRange: etag
        },
        {
          method: "GET",
          uri: "/big.bin",
          status: 200,
          bytesSent: size,
          range: "bytes=1000-",
          ifRange: '"0-0"'
        }
      ]
    )
  })

  it("a range from the end is a 416 with Content-Range: bytes */size", async () => {
    const answer = await get(`${nginx.baseUrl}/big.bin`, { range: `bytes=${size}-` })
    assert.strictEqual(answer.status, 416)
    assert.strictEqual(answer.headers.get("content-range"), `bytes */${size}`)
  })
})
if (!haveNginx) {
  it.skip("nginx is not installed here (.ci/run installs it): the real server with ranges was not tried", () => {})
}

describe.skipIf(!havePython)("python3 -m http.server", () => {
  let python: ServerProcess
  beforeAll(async () => {
    python = await startPythonHttpServer(site)
  })
  afterAll(() => python?.stop())

  it("ignores Range: a 200 with the whole file, no Accept-Ranges, no Content-Range", async () => {
    const base = python.baseUrl.replace(/\/flags$/, "")
    const answer = await get(`${base}/big.bin`, { range: "bytes=1000-" })
    assert.strictEqual(answer.status, 200)
    assert.isNull(answer.headers.get("accept-ranges"))
    assert.isNull(answer.headers.get("content-range"))
    assert.strictEqual(answer.headers.get("content-length"), String(size))
    assert.strictEqual(sha256(answer.body), sha)
    await python.until((lines) => lines.some((line) => line.includes('"GET /big.bin HTTP/1.1" 200')))
  })
})
if (!havePython) {
  it.skip("python3 is not installed here: Python's http.server was not tried", () => {})
}
