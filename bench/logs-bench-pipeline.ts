// Child process of bench/logs-bench.ts: runs our parse + correlate + summarise over one file and
// reports its own time and peak memory as JSON on stdout.

import { analyseLogFile } from '../electron/services/logs/analyse-log'

const file = process.argv[2]
if (!file) throw new Error('usage: logs-bench-pipeline.ts FILE')
const c0 = process.cpuUsage()
const t0 = process.hrtime.bigint()
const result = await analyseLogFile(file, { parser: { referenceTime: Date.UTC(2026, 5, 1) } })
const seconds = Number(process.hrtime.bigint() - t0) / 1e9
const cpu = process.cpuUsage(c0)
const cpuSeconds = (cpu.user + cpu.system) / 1e6
process.stdout.write(JSON.stringify({ seconds, cpuSeconds, maxRssKiB: process.resourceUsage().maxRSS, result }))
