// The server editor does not show the log view's source, but saving an edit must not drop it: the
// profile's logSource goes through the form values unchanged (and auto stays no field).
import { describe, expect, it } from 'vitest'
import { profileToValues, validateServerForm } from '../../../renderer/src/lib/server-form'
import { ServerProfile } from '../../../shared/domain/server'

const stored = (extra: Record<string, unknown> = {}) =>
  ServerProfile.parse({ name: 'mail-tokyo', host: 'mail.example.jp', port: 22, user: 'admin', keyPath: '/home/u/.ssh/id_ed25519', id: 'mail-tokyo', createdAt: '2026-01-01T00:00:00Z', ...extra })

describe('the log source through the server editor', () => {
  it.each([['journal'], ['file']] as const)('a saved %s survives an edit of another field', (logSource) => {
    const values = profileToValues(stored({ logSource }), ['publickey'])
    const r = validateServerForm({ ...values, port: 2222 })
    expect(r.ok).toBe(true)
    if (r.ok) expect([r.value.logSource, r.value.port]).toEqual([logSource, 2222])
  })

  it('a profile without it (auto) is saved without it', () => {
    const values = profileToValues(stored(), ['publickey'])
    expect(values.logSource).toBe('auto')
    const r = validateServerForm(values)
    expect(r.ok && 'logSource' in r.value).toBe(false)
  })
})
