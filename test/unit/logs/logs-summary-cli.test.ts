// `logs summary` through a real commander program: file and stdin, text and --json, against pflogsumm.

import { Readable } from 'node:stream'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command } from 'commander'
import { beforeAll, describe, expect, it } from 'vitest'
import { registerLogsSummary } from '../../../electron/cli/commands/logs-summary'
import { runCli } from '../../../electron/cli/run-cli'
import { PFLOGSUMM_LABELS } from '../../../shared/logs/pflogsumm-counter'
import { generateMaillog } from '../../support/maillog-generator'
import { fixtureLogText } from '../../support/maillog-fixtures'
import { grandTotalsBlock, pflogsummReport, pflogsummTotals, requirePflogsumm } from '../../support/pflogsumm-runner'

let dir = ''
let file = ''
beforeAll(() => {
  requirePflogsumm()
  dir = mkdtempSync(join(tmpdir(), 'postdesk-cli-'))
  file = join(dir, 'mail.log')
  writeFileSync(file, fixtureLogText('vignemail1__pflogsumm-go/testdata/sample.log') + generateMaillog(5000, { seed: 42 }))
})

async function run(args: string[], stdin = ''): Promise<string> {
  let out = ''
  const program = new Command().name('postdesk').exitOverride()
  registerLogsSummary(program, { out: (t) => void (out += t), stdin: Readable.from([Buffer.from(stdin)]) })
  await program.parseAsync(['node', 'postdesk', ...args])
  return out
}

describe('postdesk logs summary', () => {
  it('prints pflogsumm\'s Grand Totals block for a file', async () => {
    expect(await run(['logs', 'summary', file])).toBe(grandTotalsBlock(pflogsummReport(file)))
  })

  it('--json has a totals object keyed by pflogsumm\'s labels, equal to its counts', async () => {
    const json = JSON.parse(await run(['logs', 'summary', file, '--json'])) as { totals: Record<string, number>; lines: number }
    expect(Object.keys(json.totals)).toEqual([...PFLOGSUMM_LABELS])
    expect(json.totals).toEqual(pflogsummTotals(file))
    expect(json.lines).toBe(readFileSync(file, 'utf8').split('\n').length - 1)
  })

  it('reads standard input for -', async () => {
    const json = JSON.parse(await run(['logs', 'summary', '-', '--json'], readFileSync(file, 'latin1'))) as { totals: Record<string, number> }
    expect(json.totals).toEqual(pflogsummTotals(file))
  })

  it('joins an existing logs command group', async () => {
    const program = new Command().name('postdesk').exitOverride()
    program.command('logs').command('tail')
    registerLogsSummary(program, { out: () => {}, stdin: Readable.from([]) })
    expect(program.commands.filter((c) => c.name() === 'logs')).toHaveLength(1)
    expect(program.commands[0]!.commands.map((c) => c.name())).toEqual(['tail', 'summary'])
  })

  it('fails with a message and exit code 1 on a missing file (a read failure, not bad input)', async () => {
    await expect(run(['logs', 'summary', join(dir, 'nope.log')])).rejects.toMatchObject({ name: 'CliFailure', message: expect.stringContaining('cannot read') })
    // the whole CLI: exit 1 (2 is kept for bad input), and --json names the error's own code
    const out: string[] = []
    const err: string[] = []
    const io = { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), stdinIsTty: false, confirm: async () => false, env: { ...process.env, POSTDESK_HOME: mkdtempSync(join(tmpdir(), 'postdesk-cli-data-')) } }
    expect(await runCli(['logs', 'summary', join(dir, 'nope.log'), '--json'], io)).toBe(1)
    expect(err.join('')).toMatch(/cannot read .*nope\.log/)
    expect(JSON.parse(out.join('')).error.code).toBe('not-found')
    expect(await runCli(['logs', 'summary'], { ...io })).toBe(2)
  })
})
