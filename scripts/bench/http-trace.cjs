// Preloaded (`node --require`) into a node:http client by scripts/bench/book-peers-trace.mjs: when each
// request was created, connected, sent, answered and closed (ms since the epoch), through Node's own
// diagnostics channel, so the client's code is untouched. Written as NDJSON to HTTP_TRACE_FILE at exit.
const channel = require("node:diagnostics_channel")
const { writeFileSync } = require("node:fs")

const now = () => performance.timeOrigin + performance.now()
const records = []
channel.subscribe("http.client.request.start", ({ request }) => {
  const record = { path: request.path, created: now() }
  records.push(record)
  request.once("socket", (socket) => {
    if (socket.connecting) socket.once("connect", () => (record.connected = now()))
  })
  request.once("finish", () => (record.sent = now()))
  request.once("response", (response) => {
    record.answered = now()
    record.status = response.statusCode
  })
  request.once("close", () => (record.closed = now()))
})
process.on("exit", () => {
  writeFileSync(process.env.HTTP_TRACE_FILE, records.map((r) => JSON.stringify(r)).join("\n"))
})
