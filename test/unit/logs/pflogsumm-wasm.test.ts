// The WebAssembly counter itself: the module embedded in the app is what pflogsumm.c builds to; its
// input may be cut anywhere; over-long lines are skipped and counted; its tables grow past their
// first size; --syslog-name; sizes of more than 15 digits (Perl's number, through the import); two
// counters do not share state. Totals are compared with pflogsumm's own, run here.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { PflogsummCounter, type PflogsummTotals } from '../../../shared/logs/pflogsumm-counter'
import { COMPILER } from '../../../shared/logs/pflogsumm-wasm/pflogsumm-wasm.generated'
import { summariseLogFile, summariseLogStream } from '../../../electron/services/logs/summarise-log'
import { generateMaillog } from '../../support/maillog-generator'
import { fixtureLogText, logFixtureFiles } from '../../support/maillog-fixtures'
import { mutateLines } from '../../support/maillog-mutations'
import { pflogsummTotals, requirePflogsumm } from '../../support/pflogsumm-runner'
import { clangVersion, compilePflogsummWasm, generatedPath, renderGeneratedModule } from '../../tools/build-pflogsumm-wasm'

let dir = ''
beforeAll(() => {
  requirePflogsumm()
  dir = mkdtempSync(join(tmpdir(), 'postdesk-wasm-'))
})

function counted(bytes: Uint8Array, cuts: number[], opts: ConstructorParameters<typeof PflogsummCounter>[0] = {}): { totals: PflogsummTotals; lines: number; truncated: number } {
  const c = new PflogsummCounter(opts)
  let from = 0
  for (const at of [...cuts, bytes.length]) {
    c.push(bytes, from, at)
    from = at
  }
  c.end()
  return { totals: c.totals(), lines: c.lines, truncated: c.truncatedLines }
}

describe('the WebAssembly counter', () => {
  it('is exactly what pflogsumm.c compiles to, with the clang that built it', () => {
    expect(clangVersion(), 'the module was built by another clang: rebuild it with this one, or install that one').toBe(COMPILER)
    expect(readFileSync(generatedPath, 'utf8'), 'pflogsumm.c changed: run npx tsx test/tools/build-pflogsumm-wasm.ts').toBe(renderGeneratedModule(compilePflogsummWasm(), COMPILER))
  }, 60_000)

  it('counts the same whatever the chunks: cut at every byte of a line, in 1, 7 and 4096-byte chunks, and at random', () => {
    const text = logFixtureFiles().map((rel) => fixtureLogText(rel)).join('') + mutateLines(generateMaillog(300, { seed: 9 }).trimEnd().split('\n'), 600).join('\n') + '\n'
    const bytes = new Uint8Array(Buffer.from(text, 'latin1'))
    const file = join(dir, 'chunks.log')
    writeFileSync(file, bytes)
    const want = pflogsummTotals(file)
    const one = counted(bytes, [])
    expect(one.totals).toEqual(want)
    // every cut inside the first 300 bytes (several lines), each on its own
    for (let at = 1; at < 300; at++) expect(counted(bytes, [at]).totals).toEqual(want)
    for (const size of [1, 7, 4096]) {
      const cuts: number[] = []
      for (let at = size; at < bytes.length; at += size) cuts.push(at)
      const r = counted(bytes, cuts)
      expect(r.totals, `chunks of ${size}`).toEqual(want)
      expect(r.lines).toBe(one.lines)
    }
    let seed = 7
    const cuts: number[] = []
    for (let at = 0; at < bytes.length; ) {
      seed = (seed * 1103515245 + 12345) >>> 0
      at += 1 + (seed % 5000)
      if (at < bytes.length) cuts.push(at)
    }
    expect(counted(bytes, cuts).totals).toEqual(want)
  }, 60_000)

  it('skips a line longer than maxLineBytes, counts it as truncated, and counts the lines after it', () => {
    const lines = generateMaillog(2000, { seed: 11 }).trimEnd().split('\n')
    const file = join(dir, 'without-long.log')
    writeFileSync(file, lines.join('\n') + '\n')
    const want = pflogsummTotals(file)
    // a long line that would count as a received message (a client= line) were it read
    const long = lines.find((l) => l.includes(': client='))! + ' ' + 'x'.repeat(5000)
    const withLong = [...lines.slice(0, 1000), long, ...lines.slice(1000)].join('\n') + '\n'
    const bytes = new Uint8Array(Buffer.from(withLong))
    for (const cut of [[], [600, 120_000, 120_100], Array.from({ length: bytes.length >> 10 }, (_, i) => (i + 1) << 10)]) {
      const r = counted(bytes, cut, { maxLineBytes: 4096 })
      expect(r.totals).toEqual(want)
      expect(r.truncated).toBe(1)
      expect(r.lines).toBe(lines.length)
    }
    // a line of exactly maxLineBytes is still read
    const exact = lines.find((l) => l.includes(': client='))!
    for (const cut of [[], [10], [exact.length]]) {
      const r = counted(new Uint8Array(Buffer.from(exact + '\n')), cut, { maxLineBytes: exact.length })
      expect([r.totals.received, r.truncated], `cut at ${cut.join()}`).toEqual([1, 0])
    }
  })

  it('grows its tables past their first size: 40,000 messages, senders and recipients', async () => {
    const out: string[] = []
    for (let i = 0; i < 40_000; i++) {
      const q = (0x100000 + i).toString(16).toUpperCase()
      const t = `Nov 28 07:${String(Math.floor(i / 1000) % 60).padStart(2, '0')}:00 mx1`
      out.push(`${t} postfix/smtpd[1]: ${q}: client=host${i % 3000}.example${i % 700}.com[192.0.2.${i % 250}]`)
      out.push(`${t} postfix/qmgr[2]: ${q}: from=<User${i}@Sender${i % 5000}.Example>, size=${1000 + i}, nrcpt=1 (queue active)`)
      out.push(`${t} postfix/lmtp[3]: ${q}: to=<rcpt${i}@dom${i % 900}.test>, relay=mail[private/dovecot-lmtp], delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (250 2.0.0 ok)`)
    }
    const file = join(dir, 'many.log')
    writeFileSync(file, out.join('\n') + '\n')
    const ours = await summariseLogFile(file)
    expect(ours.totals.received).toBe(40_000)
    expect(ours.totals.senders).toBe(40_000)
    expect(ours.totals).toEqual(pflogsummTotals(file))
  }, 60_000)

  it('reads --syslog-name as pflogsumm does: NAME/daemon lines count besides postfix/daemon ones', async () => {
    const lines = generateMaillog(3000, { seed: 13 }).trimEnd().split('\n')
    // every third postfix line under another syslog name
    const renamed = lines.map((l, i) => (i % 3 === 0 ? l.replace(' postfix/', ' postfix-out/') : l))
    const file = join(dir, 'syslog-name.log')
    writeFileSync(file, renamed.join('\n') + '\n')
    const named = await summariseLogFile(file, { syslogName: 'postfix-out' })
    expect(named.totals).toEqual(pflogsummTotals(file, ['--syslog-name=postfix-out']))
    const plain = await summariseLogFile(file)
    expect(plain.totals).toEqual(pflogsummTotals(file))
    // the option changed what was counted
    expect(named.postfixLines).toBeGreaterThan(plain.postfixLines)
  }, 60_000)

  it("takes Perl's value of a size of more than 15 digits", async () => {
    const huge = '123456789012345678901'
    const text = [
      'Nov 28 07:00:00 mx1 postfix/smtpd[1]: 4A1B2C3D: client=a.example.com[192.0.2.1]',
      `Nov 28 07:00:01 mx1 postfix/qmgr[2]: 4A1B2C3D: from=<a@example.com>, size=${huge}, nrcpt=1 (queue active)`,
      'Nov 28 07:00:02 mx1 postfix/lmtp[3]: 4A1B2C3D: to=<b@example.test>, relay=x, delay=1, status=sent (ok)',
    ].join('\n')
    const s = await summariseLogStream((async function* () { yield text })())
    expect(s.totals['bytes received']).toBe(Number(huge))
    expect(s.totals['bytes delivered']).toBe(Number(huge))
    expect(s.lines).toBe(3)
  })

  it('keeps each counter to itself: two counters fed in turn count as two counted apart', () => {
    const a = generateMaillog(1500, { seed: 21 }).trimEnd().split('\n')
    const b = generateMaillog(1500, { seed: 22 }).trimEnd().split('\n')
    const ca = new PflogsummCounter()
    const cb = new PflogsummCounter()
    for (let i = 0; i < 1500; i++) {
      ca.addLine(a[i]!)
      cb.addLine(b[i]!)
    }
    const apart = (lines: string[]): PflogsummTotals => {
      const c = new PflogsummCounter()
      c.push(new Uint8Array(Buffer.from(lines.join('\n'))))
      c.end()
      return c.totals()
    }
    expect(ca.totals()).toEqual(apart(a))
    expect(cb.totals()).toEqual(apart(b))
    expect(ca.totals()).not.toEqual(cb.totals())
  })
})
