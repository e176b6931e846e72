import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runPostdesk } from '../unit/support/run-postdesk'
import { loadConnection } from './support/vps'
import { tempDataDir } from './support/vps-services'

const conn = loadConnection()
const ssh = (cmd: string, input?: string) =>
  execFileSync('ssh', ['-i', conn.keyPath, '-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${join(conn.keyPath, '..', 'known_hosts')}`, '-p', String(conn.port), `${conn.user}@${conn.host}`, cmd], { encoding: 'utf8', ...(input ? { input } : {}) })

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
    expect(st.stdout).toMatch(/^Home IP\s+not set up \(no home entry in the allowlist\)$/m)
    // The configs workspace's state, or why it cannot be read.
    expect(st.stdout).toMatch(/^Config changes\s+(never pulled|in sync \(pulled .+\)|\d+ file\(s\) changed since the pull.*|unavailable \(.+\))$/m)
    const json = await runPostdesk(h, ['status', 'vps', '--json'])
    expect(JSON.parse(json.stdout)).toMatchObject({ homeIp: { state: 'not-set-up', entry: null }, configChanges: { state: expect.stringMatching(/^(never-pulled|in-sync|changed|unavailable)$/) } })
  })

  it('queue list --search, hold, show and delete one message, reported per message', async () => {
    const h = await home()
    const sender = `pd-cli-${process.pid}@example.test`
    ssh(`sendmail -f ${sender} cli@defer.invalid`, 'Subject: =?UTF-8?B?44OG44K544OI?=\n\nbody\n')
    let id = ''
    for (let i = 0; i < 60 && !id; i++) {
      id = ssh('postqueue -j').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { queue_id: string; sender: string; queue_name: string }).find((m) => m.sender === sender && m.queue_name === 'deferred')?.queue_id ?? ''
      if (!id) await new Promise((r) => setTimeout(r, 500))
    }
    try {
      const list = await runPostdesk(h, ['queue', 'list', 'vps', '--search', sender])
      expect(list.code, list.stderr).toBe(0)
      expect(list.stdout).toMatch(new RegExp(`^${id}\\s+deferred\\s+\\d+\\s+\\S+\\s+${sender.replace(/[.]/g, '\\.')}\\s+cli@defer\\.invalid\\s+unable to look up host`, 'm'))
      const hold = await runPostdesk(h, ['queue', 'hold', 'vps', id])
      expect(hold.code, hold.stderr).toBe(0)
      expect(hold.stdout).toMatch(new RegExp(`^${id}\\s+ok\\s+placed on hold$`, 'm'))
      const show = await runPostdesk(h, ['queue', 'show', 'vps', id])
      expect(show.stdout).toMatch(/^Subject: テスト$/m)
      expect(show.stdout).toMatch(new RegExp(`^Queue ID: ${id} \\(hold\\)$`, 'm'))
      const del = await runPostdesk(h, ['queue', 'delete', 'vps', id, '--yes'])
      expect(del.stdout).toMatch(new RegExp(`^${id}\\s+ok\\s+removed$`, 'm'))
      expect(ssh('postqueue -j')).not.toContain(id)
    } finally {
      if (id) ssh(`postsuper -d ${id} 2>/dev/null; true`)
    }
  })
})
