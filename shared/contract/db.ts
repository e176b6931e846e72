import { z } from 'zod'
import { DbCheck } from '../domain/db'
import { ServerId } from '../domain/server'
import type { ContractSection } from './define'

export const dbChannels = {
  /**
   * Connects to the server's database through the SSH tunnel (discovering the credentials on the
   * server unless cached; `rediscover` reads them again) and reports versions and how it got there.
   */
  'db.check': { input: z.object({ id: ServerId, rediscover: z.boolean().default(false) }), output: DbCheck },
} satisfies ContractSection
