import { randomBytes } from 'node:crypto'

/** Root-only places on the server (0700): stages being validated, install transactions, backups. */
export const POSTDESK_LIB = '/var/lib/postdesk'
export const STAGE_BASE = `${POSTDESK_LIB}/stage`
export const PUSH_BASE = `${POSTDESK_LIB}/push`
export const BACKUP_BASE = '/var/backups/postdesk'

/** Marks the sections of a remote script's output (never at the start of a tool's own line). */
export const SECTION = '--- postdesk:'

/** A stage directory the stage script made (mktemp): the only paths the client will ever remove. */
export const STAGE_DIR_RE = /^\/var\/lib\/postdesk\/stage\/stage\.[A-Za-z0-9]{8,}$/
export const PUSH_ID_RE = /^\d{8}T\d{6}Z-[0-9a-f]{6}$/

/** A push id: UTC time (sorts, and names the backup folder) plus a random tail. */
export function newPushId(now = new Date()): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')
  return `${t}-${randomBytes(3).toString('hex')}`
}

export const pushDir = (id: string): string => `${PUSH_BASE}/${id}`
export const backupDir = (id: string): string => `${BACKUP_BASE}/${id}`

/** Map types whose source must be compiled with postmap (the daemons read the indexed file). */
export const INDEXED_MAP_TYPES = ['hash', 'btree', 'cdb', 'dbm', 'lmdb', 'sdbm'] as const

export function isIndexedMap(type: string | undefined): boolean {
  return type !== undefined && (INDEXED_MAP_TYPES as readonly string[]).includes(type)
}

/** A heredoc tag that does not occur as a line of the content. */
export function heredocTag(content: string, base = 'POSTDESK_EOF'): string {
  let tag = base
  const lines = new Set(content.split('\n'))
  while (lines.has(tag)) tag += '_'
  return tag
}

/** Base64 in 76-character lines (what `base64 -d` reads on every system). */
export function base64Lines(data: Buffer): string {
  const b = data.toString('base64')
  const out: string[] = []
  for (let i = 0; i < b.length; i += 76) out.push(b.slice(i, i + 76))
  return out.join('\n')
}
