import { z } from 'zod'

/** One change Postdesk made (or tried to make) on a server: the local activity journal. */
export const JournalEntry = z.object({
  id: z.string(),
  time: z.string(),
  server: z.string(),
  area: z.string(),
  action: z.string(),
  target: z.string(),
  result: z.enum(['ok', 'failed']),
  error: z.string().optional(),
})
export type JournalEntry = z.infer<typeof JournalEntry>
