// Child process of bench/logs-bench.ts: runs our parse + correlate + summarise (analyse) or the
// summary alone (what `postdesk logs summary` runs; summary-one-part: without the worker thread) over one file and reports its own time and peak
// memory as JSON on stdout. logs-bench.ts runs it bundled under plain node (no loader in the RSS).

import { analyseLogFile } from '../electron/services/logs/analyse-log'
import { summariseLogFile } from '../electron/services/logs/summarise-log'

const [file, mode = 'analyse'] = process.argv.slice(2)
if (!file || (mode !== 'analyse' && mode !== 'summary' && mode !== 'summary-one-part')) throw new Error('usage: logs-bench-pipeline.ts FILE [analyse|summary|summary-one-part]')
const c0 = process.cpuUsage()
const t0 = process.hrtime.bigint()
const result = mode === 'analyse' ? await analyseLogFile(file, { parser: { referenceTime: Date.UTC(2026, 5, 1) } }) : await summariseLogFile(file, mode === 'summary-one-part' ? { splitAt: 0 } : {})
const seconds = Number(process.hrtime.bigint() - t0) / 1e9
const cpu = process.cpuUsage(c0)
const cpuSeconds = (cpu.user + cpu.system) / 1e6
process.stdout.write(JSON.stringify({ seconds, cpuSeconds, maxRssKiB: process.resourceUsage().maxRSS, result }))
