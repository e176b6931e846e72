// First: zod must be told not to probe for eval before any schema is built.
import './zod-csp'
import type { z } from 'zod'
import { NewServer } from '../../../shared/domain/server'

export type ServerField = 'name' | 'host' | 'port' | 'user' | 'keyPath' | 'localAddress'
export const serverFields: readonly ServerField[] = ['name', 'host', 'port', 'user', 'keyPath', 'localAddress']

/** What the form holds: strings as typed (the port input may be empty). */
export interface ServerFormValues {
  name: string
  host: string
  port: string | number
  user: string
  keyPath: string
  localAddress: string
}

/** An i18n key under `validation.` and its named values. */
export interface FieldError {
  key: 'required' | 'tooLong' | 'invalidHost' | 'invalidPort' | 'invalidUser' | 'invalidIp' | 'invalid'
  params?: Record<string, unknown>
}

export function toCandidate(v: ServerFormValues): z.input<typeof NewServer> {
  const port = typeof v.port === 'number' ? v.port : v.port.trim() === '' ? Number.NaN : Number(v.port)
  const localAddress = v.localAddress.trim()
  return {
    name: v.name,
    host: v.host.trim(),
    port,
    user: v.user,
    keyPath: v.keyPath,
    ...(localAddress ? { localAddress } : {}),
  }
}

const invalidKey: Record<ServerField, FieldError['key']> = {
  name: 'invalid',
  host: 'invalidHost',
  port: 'invalidPort',
  user: 'invalidUser',
  keyPath: 'invalid',
  localAddress: 'invalidIp',
}

function toFieldError(field: ServerField, issue: z.core.$ZodIssue, raw: unknown): FieldError {
  if (field === 'port') return { key: typeof raw === 'string' && raw.trim() === '' ? 'required' : 'invalidPort' }
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
    errors[f] ??= toFieldError(f, issue, v[f])
  }
  return { ok: false, errors }
}
