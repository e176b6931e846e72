import { describe, expect, it } from 'vitest'
import { runPostdesk } from '../unit/support/run-postdesk'
import { loadConnection } from './support/vps'
import { tempDataDir } from './support/vps-services'

const conn = loadConnection()

async function home(): Promise<string> {
  const h = tempDataDir()
  const add = await runPostdesk(h, ['server', 'add', 'vps', '--host', conn.host, '--port', String(conn.port), '--user', conn.user, '--key', conn.keyPath, '--accept-host-key', conn.hostKeySha256])
  expect(add.code, add.stderr).toBe(0)
  return h
}

describe('postdesk service / queue / status against the test mail server', () => {
  it('service status lists the services; reload postfix is verified; stop dovecot without a terminal needs --yes', async () => {
    const h = await home()
    const st = await runPostdesk(h, ['service', 'status', 'vps'])
    expect(st.code, st.stderr).toBe(0)
    expect(st.stdout).toMatch(/^Init system: sysv$/m)
    expect(st.stdout).toMatch(/^postfix\s+postfix\s+running\s+\d+/m)
    const one = JSON.parse((await runPostdesk(h, ['service', 'status', 'vps', 'dovecot', '--json'])).stdout)
    expect(one.services).toEqual([expect.objectContaining({ key: 'dovecot', running: true })])

    const reload = await runPostdesk(h, ['service', 'reload', 'vps', 'postfix'])
    expect(reload.code, reload.stderr).toBe(0)
    expect(reload.stdout).toMatch(/^postfix: reload done in [\d.]+ s, running \(PID \d+, ports .*25/)

    const stop = await runPostdesk(h, ['service', 'stop', 'vps', 'dovecot'])
    expect(stop.code).toBe(1)
    expect(stop.stderr).toMatch(/refusing to stop dovecot without --yes/)
    expect((await runPostdesk(h, ['service', 'restart', 'vps', 'nosuch'])).stderr).toMatch(/unknown service "nosuch"/)
  })

  it('queue list/delete validate ids; status prints the dashboard', async () => {
    const h = await home()
    const list = await runPostdesk(h, ['queue', 'list', 'vps', '--json'])
    expect(list.code, list.stderr).toBe(0)
    expect(JSON.parse(list.stdout)).toMatchObject({ source: 'json', counts: { total: expect.any(Number) } })
    const bad = await runPostdesk(h, ['queue', 'delete', 'vps', 'ALL', '--yes'])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/"ALL" is not a Postfix queue id/)
    const st = await runPostdesk(h, ['status', 'vps'])
    expect(st.code, st.stderr).toBe(0)
    expect(st.stdout).toMatch(/^Services\s+.*postfix up.*dovecot up/m)
    expect(st.stdout).toMatch(/^TLS cert \(postfix\)\s+expires /m)
    expect(st.stdout).toMatch(/^Home IP\s+not set up$/m)
  })
})
