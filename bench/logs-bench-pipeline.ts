// Child process of bench/logs-bench.ts: runs our parse + correlate + summarise (analyse), the parser
// alone (parse: what the app does to every line it follows or searches), or the summary alone (what
// `postdesk logs summary` runs: the WebAssembly counter) over one file and reports its own time and peak
// memory as JSON on stdout. logs-bench.ts runs it bundled under plain node (no loader in the RSS).

import { analyseLogFile } from '../electron/services/logs/analyse-log'
import { readFileByteLines, utf8Slice } from '../electron/services/logs/log-reader'
import { MailLogParser } from '../shared/logs/parse-line'
import { summariseLogFile } from '../electron/services/logs/summarise-log'

const [file, mode = 'analyse'] = process.argv.slice(2)
if (!file || !['analyse', 'parse', 'summary'].includes(mode)) throw new Error('usage: logs-bench-pipeline.ts FILE [analyse|parse|summary]')

/** Every line decoded and parsed into a LogLine, as the follower does; the kinds are counted so nothing is optimised away. */
async function parseOnly(path: string): Promise<{ lines: number; unparsed: number }> {
  const parser = new MailLogParser({ referenceTime: Date.UTC(2026, 5, 1) })
  let lines = 0
  let unparsed = 0
  await readFileByteLines(path, (b, s, e, truncated) => {
    lines++
    if (parser.parse(utf8Slice(b, s, e), truncated).kind === 'unparsed') unparsed++
  })
  return { lines, unparsed }
}

const c0 = process.cpuUsage()
const t0 = process.hrtime.bigint()
const result =
  mode === 'analyse' ? await analyseLogFile(file, { parser: { referenceTime: Date.UTC(2026, 5, 1) } })
  : mode === 'parse' ? await parseOnly(file)
  : await summariseLogFile(file)
const seconds = Number(process.hrtime.bigint() - t0) / 1e9
const cpu = process.cpuUsage(c0)
const cpuSeconds = (cpu.user + cpu.system) / 1e6
process.stdout.write(JSON.stringify({ seconds, cpuSeconds, maxRssKiB: process.resourceUsage().maxRSS, result }))
