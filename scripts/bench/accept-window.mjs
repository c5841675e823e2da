// Ideas for scenario 10, not the bin: plain `node:http` clients with the book's timeout (3.1 s of
// socket inactivity: connecting, waiting for the answer, each gap in the body), 100 workers, and ways
// to start new connections to a host that closes every one, to compare policies apart from the runtime.
//   unpaced   every request at once (httpx's pool of 100, as the book's client);
//   gap       new connections 4 ms apart from the first one;
//   bin       the bin's own policy (src/node/internal/connectionPacing.ts, redone here): 1 ms apart until an
//             answer says the host closes (then 4 ms), twice the gap after a connect of 900 ms or more
//             (a SYN retransmit), ×0.9 after a faster one, at most 64 ms;
//   bin4      the same, but 4 ms apart from the first connect to a host it knows nothing of;
//   window    what the host accepts: at most W requests unanswered at once, W starting at 6 (a backlog
//             of 5 holds 6), +1 for each answer under 250 ms, halved (at most once a second) for one that
//             took 900 ms or more (a SYN or ACK dropped by a full accept queue, then retransmitted).
// Usage: node accept-window.mjs BASE_URL EXT DEST MODE WORKERS CODE...
// Prints {"ok","notFound","errors","elapsed","reasons","maxWindow","slowest"} as one JSON line (slowest:
// the longest from a request's start to its answer's headers, ms).
import { writeFile } from "node:fs/promises"
import * as Http from "node:http"
import { join } from "node:path"

const [base, ext, dest, mode, workersArg, ...codes] = process.argv.slice(2)
const workers = Number(workersArg)
const timeoutMs = 3100
const agent = new Http.Agent({ keepAlive: true })
const stats = { ok: 0, notFound: 0, errors: 0, reasons: {}, maxWindow: 0, slowest: 0 }
const sleep = (ms) => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : undefined)

/** Connections `gap()` ms apart: `enter` waits for a request's turn. */
const spaced = (gap) => {
  let next = 0
  return async () => {
    const now = performance.now()
    const at = Math.max(now, next)
    next = at + gap()
    await sleep(at - now)
  }
}

/** The bin's pacing of one host (connectionPacing.ts), starting `first` ms apart. */
const binPacing = (first) => {
  const pace = { gap: first, floor: first }
  return {
    enter: spaced(() => pace.gap),
    connected: (ms) => {
      pace.gap = ms >= 900 ? Math.min(pace.gap * 2, 64) : Math.max(pace.floor, pace.gap * 0.9)
    },
    closes: () => {
      if (pace.floor < 4) {
        pace.floor = 4
        pace.gap = Math.max(pace.gap, 4)
      }
    }
  }
}

/** At most `window` requests unanswered, the window following the answers' times. */
const acceptWindow = () => {
  let window = 6
  let outstanding = 0
  let lastCut = 0
  const waiting = []
  const admit = () => {
    while (outstanding < Math.floor(window) && waiting.length > 0) {
      outstanding++
      waiting.shift()()
    }
  }
  return {
    enter: () =>
      new Promise((resolve) => {
        waiting.push(resolve)
        admit()
      }),
    leave: (answerMs) => {
      outstanding--
      const now = performance.now()
      if (answerMs === undefined || answerMs >= 900) {
        if (now - lastCut >= 1000) {
          window = Math.max(1, window / 2)
          lastCut = now
        }
      } else if (answerMs < 250) window = Math.min(workers, window + 1)
      stats.maxWindow = Math.max(stats.maxWindow, Math.floor(window))
      admit()
    }
  }
}

const gates = {
  unpaced: () => ({}),
  gap: () => ({ enter: spaced(() => 4) }),
  bin: () => binPacing(1),
  bin4: () => binPacing(4),
  window: acceptWindow
}
const gate = gates[mode]()

/** One GET: status and body, or a rejection naming the phase that ran out or the transport error. */
const get = (url) =>
  new Promise((resolve, reject) => {
    const started = performance.now()
    let phase = "connecting"
    let answerMs
    const request = Http.get(url, { agent }, (response) => {
      answerMs = performance.now() - started
      if (response.httpVersion === "1.0" || response.headers.connection === "close") gate.closes?.()
      phase = "reading the body"
      const chunks = []
      response.on("data", (chunk) => chunks.push(chunk))
      response.on("end", () =>
        resolve({ status: response.statusCode, body: Buffer.concat(chunks), answerMs })
      )
      response.on("error", (cause) => reject({ reason: `${cause.code ?? cause.message}`, answerMs }))
    })
    request.on("socket", (socket) => {
      if (!socket.connecting) phase = "waiting for the answer"
      else {
        const connecting = performance.now()
        socket.once("connect", () => {
          phase = "waiting for the answer"
          gate.connected?.(performance.now() - connecting)
        })
      }
    })
    request.setTimeout(timeoutMs, () =>
      request.destroy(Object.assign(new Error("timeout"), { timedOut: true }))
    )
    request.on("error", (cause) =>
      reject({ reason: cause.timedOut ? `timed out ${phase}` : `${cause.code ?? cause.message}`, answerMs })
    )
  })

const one = async (cc) => {
  const lower = cc.toLowerCase()
  await gate.enter?.()
  let answerMs
  try {
    const answer = await get(`${base}/${lower}/${lower}.${ext}`)
    answerMs = answer.answerMs
    stats.slowest = Math.max(stats.slowest, Math.round(answerMs))
    if (answer.status === 404) stats.notFound++
    else if (answer.status === 200) {
      await writeFile(join(dest, `${cc}.${ext}`), answer.body)
      stats.ok++
    } else {
      stats.errors++
      stats.reasons[`HTTP ${answer.status}`] = (stats.reasons[`HTTP ${answer.status}`] ?? 0) + 1
    }
  } catch (failure) {
    answerMs = failure.answerMs
    stats.errors++
    stats.reasons[failure.reason] = (stats.reasons[failure.reason] ?? 0) + 1
  } finally {
    gate.leave?.(answerMs)
  }
}

const started = performance.now()
let next = 0
await Promise.all(
  Array.from({ length: Math.min(workers, codes.length) }, async () => {
    while (next < codes.length) await one(codes[next++])
  })
)
console.log(JSON.stringify({ ...stats, elapsed: (performance.now() - started) / 1000 }))
agent.destroy()
