import { z } from 'zod'
import { JournalEntry } from '../domain/journal'
import type { ContractSection, EventSection } from './define'

export const journalChannels = {
  'journal.list': {
    input: z.object({ server: z.string().optional(), limit: z.number().int().min(1).max(10000).default(500) }),
    output: z.array(JournalEntry),
  },
  'journal.export': {
    input: z.object({ format: z.enum(['json', 'csv']), server: z.string().optional() }),
    output: z.object({ filename: z.string(), mime: z.string(), text: z.string() }),
  },
} satisfies ContractSection

export const journalEvents = {
  'journal.appended': { payload: JournalEntry },
} satisfies EventSection
