import { readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { z } from 'zod'

/** Written by test/vps/up.sh when the test mail server is up. */
export const CONNECTION_FILE = join(import.meta.dirname, '../../vps/.state/connection.json')

export const VpsConnection = z.looseObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  user: z.string().min(1),
  keyPath: z.string().min(1),
  hostKeySha256: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/),
  db: z.looseObject({ host: z.string(), port: z.number().int(), user: z.string(), password: z.string(), name: z.string() }),
  namespace: z.string().min(1),
  clientAddresses: z.array(z.string()).min(2),
})
export type VpsConnection = z.infer<typeof VpsConnection>

/** Reads and validates connection.json; throws with the reason if it is missing or malformed. */
export function loadConnection(file = CONNECTION_FILE): VpsConnection {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (e) {
    throw new Error(`Cannot read the test mail server's connection details ${file}: ${e instanceof Error ? e.message : String(e)}. Run \`bash test/vps/up.sh\`.`, { cause: e })
  }
  const parsed = VpsConnection.safeParse(raw)
  if (!parsed.success) throw new Error(`${file} is not what test/vps/up.sh writes: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
  return parsed.data
}

/** Whether something accepts TCP connections on host:port within `ms` (from `localAddress` if given). */
export function isReachable(host: string, port: number, ms = 3000, localAddress?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port, timeout: ms, ...(localAddress ? { localAddress } : {}) })
    const done = (ok: boolean) => {
      s.destroy()
      resolve(ok)
    }
    s.once('connect', () => done(true))
    s.once('timeout', () => done(false))
    s.once('error', () => done(false))
  })
}
