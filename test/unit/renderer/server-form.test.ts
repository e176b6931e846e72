import { describe, expect, it } from 'vitest'
import { validateServerForm, type ServerFormValues } from '../../../renderer/src/lib/server-form'

const valid: ServerFormValues = { name: 'mail-tokyo', host: 'mail.example.jp', port: 22, user: 'admin', keyPath: '/home/u/.ssh/id_ed25519', localAddress: '' }

describe('add-server form validation (shared NewServer schema)', () => {
  it('accepts a complete form and omits an empty local address', () => {
    const r = validateServerForm(valid)
    expect(r.ok).toBe(true)
    if (r.ok) expect(r.value).toEqual({ name: 'mail-tokyo', host: 'mail.example.jp', port: 22, user: 'admin', keyPath: '/home/u/.ssh/id_ed25519' })
  })

  it('reports one translated error key per field', () => {
    const r = validateServerForm({ name: '', host: 'bad host!', port: 70000, user: 'bad user', keyPath: ' ', localAddress: '300.1.1.1' })
    expect(r.ok).toBe(false)
    expect(r.errors).toEqual({
      name: { key: 'required' },
      host: { key: 'invalidHost' },
      port: { key: 'invalidPort' },
      user: { key: 'invalidUser' },
      keyPath: { key: 'required' },
      localAddress: { key: 'invalidIp' },
    })
  })

  it('treats an empty port as required and a long name as too long', () => {
    const r = validateServerForm({ ...valid, port: '', name: 'x'.repeat(65) })
    expect(r.errors.port).toEqual({ key: 'required' })
    expect(r.errors.name).toEqual({ key: 'tooLong', params: { max: 64 } })
  })

  it('accepts IPv6 hosts and local addresses', () => {
    expect(validateServerForm({ ...valid, host: '2001:db8::25', localAddress: '2001:db8::10' }).ok).toBe(true)
  })
})

describe('server editor fields', () => {
  it('keeps the auth order, needs a key file only when publickey is tried, and omits sudo none', () => {
    const agentOnly = validateServerForm({ ...valid, keyPath: '', authMethods: ['agent', 'password'], sudo: 'none' })
    expect(agentOnly.ok && agentOnly.value).toEqual({ name: 'mail-tokyo', host: 'mail.example.jp', port: 22, user: 'admin', authMethods: ['agent', 'password'] })
    expect(validateServerForm({ ...valid, keyPath: '', authMethods: ['password', 'publickey'] }).errors).toEqual({ keyPath: { key: 'required' } })
    expect(validateServerForm({ ...valid, authMethods: [] }).errors).toEqual({ authMethods: { key: 'noMethod' } })
    const sudo = validateServerForm({ ...valid, sudo: 'sudo-S' })
    expect(sudo.ok && sudo.value.sudo).toBe('sudo-S')
  })

  it('validates jump hosts and names the bad hop', () => {
    const ok = validateServerForm({ ...valid, jumpHosts: [{ host: 'bastion.example.jp', port: '2222', user: 'ops', keyPath: '' }] })
    expect(ok.ok && ok.value.jumpHosts).toEqual([{ host: 'bastion.example.jp', port: 2222, user: 'ops' }])
    const bad = validateServerForm({ ...valid, jumpHosts: [{ host: 'a.example', port: 22, user: 'x', keyPath: '/k' }, { host: 'bad host', port: 22, user: 'x', keyPath: '' }] })
    expect(bad.errors).toEqual({ jumpHosts: { key: 'invalidJump', params: { n: 2 } } })
  })
})
