/**
 * A server that lies: redirects away or in circles, bodies shorter or far longer than announced,
 * endless bodies, HTML where an image should be, metadata that tries to escape dest. The real bin
 * must end each code in ERROR (or OK where the answer is fine) and never write outside dest.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { createServer, type Server } from "node:http"
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https"
import { join } from "node:path"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { runCli, tempDir } from "./support/cli.js"

const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex")
let server: Server
let base = ""
/** Resolves once the server has read the request it never answers. */
let readUnanswered: (path: string) => void = () => {}
const unanswered = new Promise<string>((resolve) => {
  readUnanswered = resolve
})
// the same flags over TLS, for the http → https upgrade (a certificate for 127.0.0.1, made for these tests)
const fixtures = join(import.meta.dirname, "fixtures")
const certificate = join(fixtures, "loopback-cert.pem")
let secure: HttpsServer
let secureBase = ""

beforeAll(async () => {
  server = createServer((request, response) => {
    const path = request.url ?? ""
    const cc = /^\/flags\/([a-z]{2})\//.exec(path)?.[1] ?? ""
    const image = (body: Buffer = png, type = "image/png") =>
      response.writeHead(200, { "content-type": type, "content-length": body.length }).end(body)
    if (path.endsWith("metadata.json")) {
      const countries: Record<string, string> = {
        ma: "../../escaped",
        mb: "/etc/passwd",
        mc: "..",
        md: "a/b\\c",
        me: "\u0000\u001b[31mred",
        mf: "x".repeat(10_000),
        mg: ".hidden"
      }
      const body = cc === "mh" ? "not json at all" : JSON.stringify({ country: countries[cc] ?? "Plain" })
      response.writeHead(200, { "content-type": "application/json" }).end(body)
      return
    }
    switch (cc) {
      case "ra": // redirect to another host
        response
          .writeHead(302, {
            location: `http://127.0.0.2:${(server.address() as { port: number }).port}/flags/ok/ok.png`
          })
          .end()
        return
      case "rb": // redirect to another scheme
        response.writeHead(302, { location: "file:///etc/passwd" }).end()
        return
      case "rc": // a loop
        response.writeHead(302, { location: path }).end()
        return
      case "rd": // a redirect within the origin: fine
        response.writeHead(301, { location: "/flags/ok/ok.png" }).end()
        return
      case "ha": // an upgrade to https on the same host, another port: followed
        response.writeHead(301, { location: `${secureBase}/ha/ha.png` }).end()
        return
      case "hb": // https, but on another host: refused
        response
          .writeHead(301, { location: `${secureBase.replace("127.0.0.1", "127.0.0.2")}/hb/hb.png` })
          .end()
        return
      case "la": // Content-Length larger than the body
        response.writeHead(200, { "content-type": "image/png", "content-length": 100_000 })
        response.write(png, () => response.socket?.destroy())
        return
      case "lb": // announced far over the cap
        response.writeHead(200, { "content-type": "image/png", "content-length": 50 * 1024 * 1024 }).end()
        response.socket?.destroy()
        return
      case "lc": {
        // endless chunked body
        response.writeHead(200, { "content-type": "image/png" })
        const chunk = Buffer.alloc(64 * 1024)
        const pump = () => {
          while (response.write(chunk)) {}
          response.once("drain", pump)
        }
        response.on("close", () => response.removeAllListeners("drain"))
        pump()
        return
      }
      case "na": // accepts, reads the request, never answers
        readUnanswered(path)
        return
      case "ct": // an HTML page with 200
        image(Buffer.from("<html>captive portal</html>"), "text/html")
        return
      default:
        image()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}/flags`
  secure = createHttpsServer(
    { cert: readFileSync(certificate), key: readFileSync(join(fixtures, "loopback-key.pem")) },
    (request, response) => {
      if (request.url?.startsWith("/flags/hc/")) {
        // https back down to http: refused, even on the same host
        response.writeHead(302, { location: `${base}/ok/ok.png` }).end()
        return
      }
      response.writeHead(200, { "content-type": "image/png", "content-length": png.length }).end(png)
    }
  )
  await new Promise<void>((resolve) => secure.listen(0, "127.0.0.1", resolve))
  secureBase = `https://127.0.0.1:${(secure.address() as { port: number }).port}/flags`
})
afterAll(() =>
  Promise.all(
    [server, secure].map(
      (listening) =>
        new Promise<void>((resolve) => {
          listening.closeAllConnections()
          listening.close(() => resolve())
        })
    )
  )
)

describe("a hostile server", () => {
  it("a server that accepts and never answers: the code times out waiting for the answer, after --timeout", async () => {
    const dest = tempDir()
    const result = await runCli([
      "download",
      "-v",
      "-s",
      base,
      "--ext",
      "png",
      "-d",
      dest,
      "--timeout",
      "0.5",
      "NA"
    ])
    // the run ends although the answer never comes: the timeout ended the wait, and the line says which
    assert.strictEqual(result.code, 1)
    assert.include(result.stdout, "NA error: timed out waiting for the answer after 0.5s")
    // waiting for the answer: the request was sent, to a server that reads it and never answers
    assert.strictEqual(await unanswered, "/flags/na/na.png")
    assert.deepStrictEqual(readdirSync(dest), [])
  })

  it("redirects, length lies, endless and oversized bodies, wrong types: errors, nothing written for them", async () => {
    const dest = tempDir()
    const codes = ["RA", "RB", "RC", "RD", "LA", "LB", "LC", "CT", "OK"]
    const result = await runCli(["download", "-v", "-s", base, "--ext", "png", "-d", dest, ...codes])
    const line = (cc: string) => result.stdout.split("\n").find((l) => l.startsWith(`${cc} `)) ?? ""
    assert.include(line("RA"), "redirect to another origin refused")
    assert.include(line("RB"), "redirect to another origin refused")
    assert.include(line("RC"), "too many redirects")
    assert.strictEqual(line("RD"), "RD OK")
    assert.include(line("LA"), "error:")
    assert.include(line("LB"), "body larger than")
    assert.include(line("LC"), "body larger than")
    assert.include(line("CT"), "unexpected content type text/html")
    assert.strictEqual(line("OK"), "OK OK")
    assert.strictEqual(result.code, 1)
    assert.deepStrictEqual(readdirSync(dest).sort(), ["OK.png", "RD.png"])
    assert.deepStrictEqual(readFileSync(join(dest, "RD.png")), png)
  })

  it("metadata names that try to escape dest stay inside it, unique, and not hidden", async () => {
    const parent = tempDir()
    const dest = join(parent, "dest")
    const codes = ["MA", "MB", "MC", "MD", "ME", "MF", "MG", "MH"]
    const result = await runCli([
      "download",
      "--names",
      "-v",
      "-s",
      base,
      "--ext",
      "png",
      "-d",
      dest,
      ...codes
    ])
    assert.include(result.stdout, "MH error: bad metadata")
    const files = readdirSync(dest)
    assert.strictEqual(files.length, 7)
    assert.deepStrictEqual(readdirSync(parent), ["dest"], "nothing written beside dest")
    for (const file of files) {
      assert.isFalse(file.startsWith("."), file)
      assert.isFalse(/[/\\]/.test(file) || [...file].some((c) => c.charCodeAt(0) < 32), JSON.stringify(file))
      assert.isBelow(file.length, 100)
    }
    assert.isFalse(existsSync("/etc/passwd-MB.png"))
  })

  it("a redirect from http to https on the same host is followed; to another host, or back to http, refused", async () => {
    const dest = tempDir()
    const env = { NODE_EXTRA_CA_CERTS: certificate }
    const viaHttp = await runCli(["download", "-v", "-s", base, "--ext", "png", "-d", dest, "HA", "HB"], {
      env
    })
    const line = (stdout: string, cc: string) => stdout.split("\n").find((l) => l.startsWith(`${cc} `)) ?? ""
    assert.strictEqual(line(viaHttp.stdout, "HA"), "HA OK", viaHttp.stdout + viaHttp.stderr)
    assert.include(line(viaHttp.stdout, "HB"), "redirect to another origin refused: https://127.0.0.2:")
    const viaHttps = await runCli(["download", "-v", "-s", secureBase, "--ext", "png", "-d", dest, "HC"], {
      env
    })
    assert.include(line(viaHttps.stdout, "HC"), "redirect to another origin refused: http://127.0.0.1:")
    assert.deepStrictEqual(readdirSync(dest), ["HA.png"])
    assert.deepStrictEqual(readFileSync(join(dest, "HA.png")), png)
  })
})
