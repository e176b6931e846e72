// Worker thread entry: hashes batches of passwords for PasswordHashPool.
import { serveWorkerTasks } from './worker-pool'
import { hashPassword } from './hash-password'
import type { HashBatch } from './password-hash-pool'

serveWorkerTasks<HashBatch, string[]>(async ({ passwords, encrypt }) => {
  const out: string[] = []
  for (const pw of passwords) out.push(await hashPassword(pw, encrypt))
  return out
})
