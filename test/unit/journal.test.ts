import { appendFileSync, readFileSync, statSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { JsonlActivityJournal } from '../../electron/services/journal/activity-journal'
import { csvField, toCsv } from '../../electron/services/journal/csv'
import type { JournalEntry } from '../../shared/domain/journal'
import { useTempDirs } from './support/temp-dir'

const tempDir = useTempDirs()

function journalIn(dir: string) {
  const emitted: JournalEntry[] = []
  let t = Date.parse('2026-03-01T10:00:00Z')
  const journal = new JsonlActivityJournal(dir, (name, payload) => name === 'journal.appended' && emitted.push(payload as JournalEntry), () => new Date((t += 1000)))
  return { journal, emitted }
}

describe('JsonlActivityJournal', () => {
  it('records an entry with a uuid and ISO time, appends one JSON line (0600), and emits journal.appended', async () => {
    const { journal, emitted } = journalIn(tempDir())
    const e = await journal.record({ server: 'main', area: 'servers', action: 'add', target: 'Main', result: 'ok' })
    expect(e.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(e.time).toBe('2026-03-01T10:00:01.000Z')
    expect(emitted).toEqual([e])
    expect(readFileSync(journal.path, 'utf8')).toBe(JSON.stringify(e) + '\n')
    expect(statSync(journal.path).mode & 0o777).toBe(0o600)
  })

  it('lists newest first, filtered by server, limited', async () => {
    const { journal } = journalIn(tempDir())
    for (const [server, target] of [['a', '1'], ['b', '2'], ['a', '3'], ['a', '4']] as const) {
      await journal.record({ server, area: 'servers', action: 'add', target, result: 'ok' })
    }
    expect((await journal.list()).map((e) => e.target)).toEqual(['4', '3', '2', '1'])
    expect((await journal.list({ server: 'a' })).map((e) => e.target)).toEqual(['4', '3', '1'])
    expect((await journal.list({ server: 'a', limit: 2 })).map((e) => e.target)).toEqual(['4', '3'])
    expect(await journal.list({ server: 'zzz' })).toEqual([])
  })

  it('skips a torn or foreign line instead of failing (a crash mid-append)', async () => {
    const { journal } = journalIn(tempDir())
    await journal.record({ server: 'a', area: 'servers', action: 'add', target: '1', result: 'ok' })
    appendFileSync(journal.path, '{"id":"x","time":\n{"not":"an entry"}\n')
    await journal.record({ server: 'a', area: 'servers', action: 'add', target: '2', result: 'ok' })
    expect((await journal.list()).map((e) => e.target)).toEqual(['2', '1'])
  })

  it('is empty before anything was recorded', async () => {
    expect(await journalIn(tempDir()).journal.list()).toEqual([])
  })

  it('exports JSON (newest first) and RFC 4180 CSV', async () => {
    const { journal } = journalIn(tempDir())
    const a = await journal.record({ server: 'main', area: 'servers', action: 'add', target: 'Plain', result: 'ok' })
    const b = await journal.record({ server: 'main', area: 'mail', action: 'rename', target: 'a, "quoted"\nname', result: 'failed', error: 'line1\r\nline2' })
    await journal.record({ server: 'other', area: 'servers', action: 'add', target: 'x', result: 'ok' })

    const json = await journal.export('json', { server: 'main' })
    expect(json.mime).toBe('application/json')
    expect(json.filename).toMatch(/^postdesk-journal-main-\d{8}T\d{6}Z\.json$/)
    expect(JSON.parse(json.text)).toEqual([b, a])

    const csv = await journal.export('csv', { server: 'main' })
    expect(csv.mime).toBe('text/csv')
    expect(csv.filename).toMatch(/^postdesk-journal-main-\d{8}T\d{6}Z\.csv$/)
    expect(csv.text).toBe(
      'id,time,server,area,action,target,result,error\r\n' +
        `${b.id},${b.time},main,mail,rename,"a, ""quoted""\nname",failed,"line1\r\nline2"\r\n` +
        `${a.id},${a.time},main,servers,add,Plain,ok,\r\n`,
    )
    expect((await journal.export('csv')).filename).toMatch(/^postdesk-journal-all-/)
  })
})

describe('csv', () => {
  it('quotes only fields that need it, doubling inner quotes', () => {
    expect(csvField('plain')).toBe('plain')
    expect(csvField('')).toBe('')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('two\nlines')).toBe('"two\nlines"')
    expect(csvField('cr\r')).toBe('"cr\r"')
    expect(csvField(' spaced ')).toBe(' spaced ')
    expect(toCsv([['a', 'b'], ['1', '2,3']])).toBe('a,b\r\n1,"2,3"\r\n')
  })
})
