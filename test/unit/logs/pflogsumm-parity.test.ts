// The summary equals pflogsumm's (run here, on the same file) on every fixture log, on a generated
// 100k-line log, and on mutated lines that exercise pflogsumm's quirks.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { formatPflogsummTotals } from '../../../shared/logs/pflogsumm-counter'
import { PflogsummCounter } from '../../../shared/logs/pflogsumm-counter'
import { readFileByteLines } from '../../../electron/services/logs/log-reader'
import { summariseLogFile } from '../../../electron/services/logs/summarise-log'
import { generateMaillog } from '../../support/maillog-generator'
import { FIXTURE_ROOT, fixtureLogLines, fixtureLogText, logFixtureFiles } from '../../support/maillog-fixtures'
import { mutateLines } from '../../support/maillog-mutations'
import { grandTotalsBlock, pflogsummReport, pflogsummTotals, requirePflogsumm } from '../../support/pflogsumm-runner'

let dir = ''
beforeAll(() => {
  requirePflogsumm()
  dir = mkdtempSync(join(tmpdir(), 'postdesk-parity-'))
})

async function expectParity(file: string): Promise<void> {
  const ours = await summariseLogFile(file)
  expect(ours.totals).toEqual(pflogsummTotals(file))
  // and the text block, with pflogsumm's own k/m units and percentages
  expect(formatPflogsummTotals(ours.totals)).toBe(grandTotalsBlock(pflogsummReport(file)))
}

describe('summary equals pflogsumm', () => {
  for (const rel of logFixtureFiles()) {
    it(`on fixture ${rel}`, async () => {
      const file = join(dir, rel.replaceAll('/', '_'))
      writeFileSync(file, fixtureLogText(rel))
      await expectParity(file)
    })
  }

  it('on the fixtures concatenated (qids and senders shared across files)', async () => {
    const file = join(dir, 'all-fixtures.log')
    writeFileSync(file, logFixtureFiles().map((rel) => fixtureLogText(rel)).join(''))
    await expectParity(file)
  })

  it('on a generated 100k-line log with classic and RFC 3339 stamps', async () => {
    const file = join(dir, 'generated-100k.log')
    writeFileSync(file, generateMaillog(100_000, { seed: 100_000, stamps: 'mixed' }))
    const ours = await summariseLogFile(file)
    expect(ours.lines).toBe(100_000)
    // the log must exercise every counter, or the comparison proves little
    for (const [label, v] of Object.entries(ours.totals)) expect(v, label).toBeGreaterThan(0)
    await expectParity(file)
  }, 60_000)

  it('on 20k mutated lines (pflogsumm quirks)', async () => {
    const seedLines = [
      ...logFixtureFiles().flatMap((rel) => fixtureLogLines(rel).map((l) => l.text)),
      ...generateMaillog(3000, { seed: 3 }).trimEnd().split('\n'),
    ].filter((l) => l.includes('postfix'))
    const file = join(dir, 'mutated.log')
    writeFileSync(file, mutateLines(seedLines, 20_000).join('\n') + '\n', 'latin1')
    await expectParity(file)
  }, 60_000)

  it('the same totals from lines read in place out of a small reused buffer, and from strings', async () => {
    // the counter reads each line's bytes inside the read buffer; a 97-byte buffer read into again and
    // again cuts most lines across reads (those are copied together) and reuses every byte position
    const file = join(dir, 'generated-20k.log')
    writeFileSync(file, generateMaillog(20_000, { seed: 20_000, stamps: 'mixed' }) + mutateLines([...generateMaillog(500, { seed: 5 }).trimEnd().split('\n')], 2000).join('\n') + '\n', 'latin1')
    const small = new PflogsummCounter()
    const stats = await readFileByteLines(file, (b, s, e, t) => { if (!t) small.addBytes(b, s, e) }, { chunkBytes: 97 })
    const strings = new PflogsummCounter()
    for (const line of readFileSync(file, 'latin1').split('\n').slice(0, -1)) strings.addLine(line)
    const whole = await summariseLogFile(file)
    expect(stats.lines).toBe(whole.lines)
    expect(small.totals()).toEqual(whole.totals)
    expect(strings.totals()).toEqual(whole.totals)
    expect(whole.totals).toEqual(pflogsummTotals(file))
  }, 60_000)

  it('reads the fixtures from the project, not from elsewhere', () => {
    expect(FIXTURE_ROOT).toContain('test/fixtures/maillogs')
  })
})
