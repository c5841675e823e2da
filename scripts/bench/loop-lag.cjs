// Preloaded (`node --require`) into a client by scenario 10 with BENCH_BOOK_LAG=1: how late its event
// loop ran (perf_hooks' histogram, 10 ms resolution), one line on stderr at exit. A process starved of
// the CPU sees its timers and its sockets' data late; this says by how much.
const { monitorEventLoopDelay } = require("node:perf_hooks")

const histogram = monitorEventLoopDelay({ resolution: 10 })
histogram.enable()
process.on("exit", () => {
  histogram.disable()
  const ms = (ns) => Math.round(ns / 1e6)
  process.stderr.write(
    `\nloop-lag ${JSON.stringify({ p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) })}\n`
  )
})
