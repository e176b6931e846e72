import { randomUUID } from 'node:crypto'
import { appendFile } from 'node:fs/promises'
import { join } from 'node:path'
import { JournalEntry } from '../../../shared/domain/journal'
import type { ActivityJournal, EmitEvent, JournalInput } from '../types'
import { ioError } from '../storage/io-error'
import { Mutex } from '../storage/mutex'
import { ensurePrivateDir } from '../storage/private-dir'
import { readTextIfExists } from '../storage/read-text'
import { toCsv } from './csv'

export const JOURNAL_FILE = 'journal.jsonl'
const CSV_COLUMNS = ['id', 'time', 'server', 'area', 'action', 'target', 'result', 'error'] as const

/**
 * The local record of every change Postdesk made or tried to make: one JSON object per line in
 * `journal.jsonl`, only ever appended to. A damaged line (e.g. a crash mid-append) is skipped, not fatal.
 */
export class JsonlActivityJournal implements ActivityJournal {
  readonly path: string
  private readonly mutex = new Mutex()

  constructor(
    private readonly dataDir: string,
    private readonly emit: EmitEvent,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.path = join(dataDir, JOURNAL_FILE)
  }

  record(input: JournalInput): Promise<JournalEntry> {
    return this.mutex.run(async () => {
      const entry = JournalEntry.parse({ ...input, id: randomUUID(), time: this.now().toISOString() })
      await ensurePrivateDir(this.dataDir)
      try {
        await appendFile(this.path, JSON.stringify(entry) + '\n', { mode: 0o600 })
      } catch (e) {
        throw ioError('append to the activity journal', this.path, e)
      }
      this.emit('journal.appended', entry)
      return entry
    })
  }

  async list(filter: { server?: string; limit?: number } = {}): Promise<JournalEntry[]> {
    const all = await this.readAll()
    const matching = filter.server === undefined ? all : all.filter((e) => e.server === filter.server)
    return matching.reverse().slice(0, filter.limit ?? 500)
  }

  async export(format: 'json' | 'csv', filter: { server?: string } = {}): Promise<{ filename: string; mime: string; text: string }> {
    const entries = await this.list({ ...filter, limit: Number.MAX_SAFE_INTEGER })
    const stamp = this.now().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')
    const base = `postdesk-journal-${filter.server ?? 'all'}-${stamp}`
    if (format === 'json') return { filename: `${base}.json`, mime: 'application/json', text: JSON.stringify(entries, null, 2) + '\n' }
    const rows = [[...CSV_COLUMNS], ...entries.map((e) => CSV_COLUMNS.map((c) => e[c] ?? ''))]
    return { filename: `${base}.csv`, mime: 'text/csv', text: toCsv(rows) }
  }

  private async readAll(): Promise<JournalEntry[]> {
    const text = await readTextIfExists(this.path)
    if (!text) return []
    const entries: JournalEntry[] = []
    for (const line of text.split('\n')) {
      if (!line.trim()) continue
      try {
        const parsed = JournalEntry.safeParse(JSON.parse(line))
        if (parsed.success) entries.push(parsed.data)
      } catch {
        // A torn last line from a crash: skip it, keep the rest.
      }
    }
    return entries
  }
}
