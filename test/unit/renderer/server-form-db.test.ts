import { describe, expect, it } from 'vitest'
import { emptyDbValues, profileToValues, validateServerForm, type ServerFormValues } from '../../../renderer/src/lib/server-form'
import { ServerProfile } from '../../../shared/domain/server'

const base: ServerFormValues = { name: 'mail-tokyo', host: 'mail.example.jp', port: 22, user: 'admin', keyPath: '/home/u/.ssh/id_ed25519', localAddress: '' }

describe('the DB override in the server editor', () => {
  it('an empty DB section means no override (discovery on the server)', () => {
    const r = validateServerForm({ ...base, db: emptyDbValues() })
    expect(r.ok && 'db' in r.value).toBe(false)
  })

  it('keeps only the filled fields, trimmed, with the port as a number', () => {
    const r = validateServerForm({ ...base, db: { host: ' 127.0.0.1 ', port: '3307', socket: '', user: 'postfix', name: '' } })
    expect(r.ok).toBe(true)
    if (r.ok) expect(r.value.db).toEqual({ host: '127.0.0.1', port: 3307, user: 'postfix' })
  })

  it('reports a bad host, port or relative socket as one db error', () => {
    for (const db of [
      { ...emptyDbValues(), host: 'bad host!' },
      { ...emptyDbValues(), port: 70000 },
      { ...emptyDbValues(), socket: 'mysqld.sock' },
    ]) {
      const r = validateServerForm({ ...base, db })
      expect(r.ok).toBe(false)
      expect(r.errors).toEqual({ db: { key: 'invalid' } })
    }
  })

  it('survives an edit: a stored profile round-trips through the form values unchanged', () => {
    const { localAddress: _none, ...fields } = base
    const stored = ServerProfile.parse({ ...fields, id: 'mail-tokyo', createdAt: '2026-01-01T00:00:00Z', db: { socket: '/var/lib/mysql/mysql.sock', user: 'pfa', name: 'mail' } })
    const r = validateServerForm(profileToValues(stored, ['publickey']))
    expect(r.ok).toBe(true)
    if (r.ok) expect(r.value.db).toEqual({ socket: '/var/lib/mysql/mysql.sock', user: 'pfa', name: 'mail' })
  })
})
