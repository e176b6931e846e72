// First: zod must be told not to probe for eval before any schema is built.
import './zod-csp'
import type { z } from 'zod'
import type { LogSourceChoice } from '../../../shared/domain/log-source'
import { logSourceOf, NewServer, type AuthMethod, type ServerProfile, type SudoMode } from '../../../shared/domain/server'

export type ServerField = 'name' | 'host' | 'port' | 'user' | 'keyPath' | 'localAddress' | 'authMethods' | 'jumpHosts' | 'db'
export const serverFields: readonly ServerField[] = ['name', 'host', 'port', 'user', 'keyPath', 'localAddress', 'authMethods', 'jumpHosts', 'db']

/** One ProxyJump hop as typed. */
export interface JumpHostValues {
  host: string
  port: string | number
  user: string
  keyPath: string
}

/** The DB override as typed: every field optional, empty = discovered on the server. */
export interface DbFormValues {
  host: string
  port: string | number
  socket: string
  user: string
  name: string
}
export const emptyDbValues = (): DbFormValues => ({ host: '', port: '', socket: '', user: '', name: '' })

/** What the form holds: strings as typed (the port input may be empty). The newer fields are optional. */
export interface ServerFormValues {
  name: string
  host: string
  port: string | number
  user: string
  keyPath: string
  localAddress: string
  /** The enabled methods, in the order tried. */
  authMethods?: AuthMethod[]
  jumpHosts?: JumpHostValues[]
  sudo?: SudoMode
  db?: DbFormValues
  /** Not a field of the form: the log view's saved source, kept as it is when the profile is edited. */
  logSource?: LogSourceChoice
}

/** An i18n key under `validation.` and its named values. */
export interface FieldError {
  key: 'required' | 'tooLong' | 'invalidHost' | 'invalidPort' | 'invalidUser' | 'invalidIp' | 'invalid' | 'noMethod' | 'invalidJump'
  params?: Record<string, unknown>
}

const toPort = (p: string | number) => (typeof p === 'number' ? p : p.trim() === '' ? Number.NaN : Number(p))

export function toCandidate(v: ServerFormValues): z.input<typeof NewServer> {
  const localAddress = v.localAddress.trim()
  const keyPath = v.keyPath
  return {
    name: v.name,
    host: v.host.trim(),
    port: toPort(v.port),
    user: v.user,
    // An empty key field means "no key file" (agent or password only); the schema then says if one is needed.
    ...(keyPath !== '' ? { keyPath } : {}),
    ...(localAddress ? { localAddress } : {}),
    ...(v.authMethods ? { authMethods: v.authMethods } : {}),
    ...(v.jumpHosts?.length
      ? { jumpHosts: v.jumpHosts.map((j) => ({ host: j.host.trim(), port: toPort(j.port), user: j.user, ...(j.keyPath.trim() ? { keyPath: j.keyPath } : {}) })) }
      : {}),
    ...(v.sudo && v.sudo !== 'none' ? { sudo: v.sudo } : {}),
    ...dbCandidate(v.db),
    ...(v.logSource && v.logSource !== 'auto' ? { logSource: v.logSource } : {}),
  }
}

/** Only the DB fields the user filled in; none at all: no override. */
function dbCandidate(d: DbFormValues | undefined): { db?: Record<string, string | number> } {
  if (!d) return {}
  const db: Record<string, string | number> = {}
  for (const k of ['host', 'socket', 'user', 'name'] as const) if (d[k].trim()) db[k] = d[k].trim()
  if (String(d.port).trim() !== '') db['port'] = toPort(d.port)
  return Object.keys(db).length ? { db } : {}
}

/** A stored profile as form values (the editor's starting point). */
export function profileToValues(p: ServerProfile, effectiveMethods: AuthMethod[]): ServerFormValues {
  return {
    name: p.name,
    host: p.host,
    port: p.port,
    user: p.user,
    keyPath: p.keyPath ?? '',
    localAddress: p.localAddress ?? '',
    authMethods: effectiveMethods,
    jumpHosts: (p.jumpHosts ?? []).map((j) => ({ host: j.host, port: j.port, user: j.user, keyPath: j.keyPath ?? '' })),
    sudo: p.sudo ?? 'none',
    db: { host: p.db?.host ?? '', port: p.db?.port ?? '', socket: p.db?.socket ?? '', user: p.db?.user ?? '', name: p.db?.name ?? '' },
    logSource: logSourceOf(p),
  }
}

const invalidKey: Record<ServerField, FieldError['key']> = {
  name: 'invalid',
  host: 'invalidHost',
  port: 'invalidPort',
  user: 'invalidUser',
  keyPath: 'invalid',
  localAddress: 'invalidIp',
  authMethods: 'noMethod',
  jumpHosts: 'invalidJump',
  db: 'invalid',
}

function toFieldError(field: ServerField, issue: z.core.$ZodIssue, raw: unknown): FieldError {
  if (field === 'port') return { key: typeof raw === 'string' && raw.trim() === '' ? 'required' : 'invalidPort' }
  if (field === 'jumpHosts') return { key: 'invalidJump', params: { n: Number(issue.path[1] ?? 0) + 1 } }
  if (field === 'keyPath' && issue.code === 'custom') return { key: 'required' }
  if (issue.code === 'too_small' && issue.origin === 'string') return { key: 'required' }
  if (issue.code === 'too_big' && issue.origin === 'string') return { key: 'tooLong', params: { max: Number(issue.maximum) } }
  return { key: invalidKey[field] }
}

/** Validates with the shared NewServer schema: the parsed value, or the first error per field. */
export function validateServerForm(v: ServerFormValues): { ok: true; value: NewServer; errors: Partial<Record<ServerField, FieldError>> } | { ok: false; errors: Partial<Record<ServerField, FieldError>> } {
  const parsed = NewServer.safeParse(toCandidate(v))
  if (parsed.success) return { ok: true, value: parsed.data, errors: {} }
  const errors: Partial<Record<ServerField, FieldError>> = {}
  for (const issue of parsed.error.issues) {
    const field = issue.path[0]
    if (typeof field !== 'string' || !(serverFields as readonly string[]).includes(field)) continue
    const f = field as ServerField
    errors[f] ??= toFieldError(f, issue, f === 'jumpHosts' || f === 'authMethods' || f === 'db' ? undefined : v[f])
  }
  return { ok: false, errors }
}
