import { describe, expect, it } from 'vitest'
import { appMenuTemplate, homeIpMenuItems, refreshFromMenu, trayMenuTemplate, type MenuItem, type RefreshedPayload } from '../../electron/main/home-ip-menu'
import { AppError } from '../../shared/errors'

const targets = [
  { id: 'a1', name: 'Mail VPS', entry: 'home' },
  { id: 'b2', name: 'Backup MX', entry: 'office' },
]
function recorder() {
  const calls: string[] = []
  return { calls, actions: { refresh: (id: string) => calls.push(`refresh ${id}`), show: () => calls.push('show'), quit: () => calls.push('quit') } }
}
const click = (item: MenuItem | undefined) => (item?.click as (() => void) | undefined)?.()

describe('home-IP refresh menu (pure templates)', () => {
  it('one enabled entry per server with a home entry; a click asks for that server', () => {
    const r = recorder()
    const items = homeIpMenuItems(targets, r.actions, 'en')
    expect(items.map((i) => [i.id, i.label, i.enabled])).toEqual([
      ['home-ip-refresh-a1', 'Refresh home IP: Mail VPS', true],
      ['home-ip-refresh-b2', 'Refresh home IP: Backup MX', true],
    ])
    click(items[1])
    expect(r.calls).toEqual(['refresh b2'])
  })
  it('a server whose refresh runs is disabled and says so; none: one disabled line', () => {
    const r = recorder()
    const items = homeIpMenuItems(targets, r.actions, 'ja', new Set(['a1']))
    expect(items[0]).toMatchObject({ label: '自宅 IP を更新中: Mail VPS…', enabled: false })
    expect(items[1]).toMatchObject({ label: '自宅 IP を更新: Backup MX', enabled: true })
    expect(homeIpMenuItems([], r.actions, 'en')).toEqual([{ id: 'home-ip-none', label: 'No server has a home entry yet', enabled: false }])
  })
  it('the tray menu: refresh entries, a separator, open and quit', () => {
    const r = recorder()
    const t = trayMenuTemplate(targets.slice(0, 1), r.actions, 'en')
    expect(t.map((i) => i.type ?? i.id)).toEqual(['home-ip-refresh-a1', 'separator', 'open', 'quit'])
    click(t[2])
    click(t[3])
    expect(r.calls).toEqual(['show', 'quit'])
  })
  it('the application menu keeps the standard menus (edit: copy/paste) and adds Firewall; the app menu only on macOS', () => {
    const r = recorder()
    const linux = appMenuTemplate(targets, r.actions, 'en', 'linux')
    expect(linux.map((i) => i.role ?? i.id)).toEqual(['fileMenu', 'editMenu', 'viewMenu', 'firewall', 'windowMenu'])
    const fw = linux.find((i) => i.id === 'firewall')!
    expect(fw.label).toBe('Firewall')
    expect((fw.submenu as MenuItem[]).map((i) => i.id)).toEqual(['home-ip-refresh-a1', 'home-ip-refresh-b2'])
    expect(appMenuTemplate(targets, r.actions, 'ja', 'darwin').map((i) => i.role ?? i.label)).toEqual(['appMenu', 'fileMenu', 'editMenu', 'viewMenu', 'ファイアウォール', 'windowMenu'])
  })
})

describe('refreshFromMenu', () => {
  it('connects, calls the firewall.refresh handler with the contract-parsed input, and emits the outcome', async () => {
    const seen: unknown[] = []
    const events: RefreshedPayload[] = []
    const p = await refreshFromMenu(
      {
        connect: async (id) => seen.push(`connect ${id}`),
        handlers: {
          'firewall.refresh': async (input, ctx) => {
            seen.push(input, ctx.channel)
            return { outcome: 'confirmed', backend: 'iptables', message: 'ok', timings: {}, confirmedFrom: '198.51.100.4', probes: [], rollbackFired: false, notes: [{ code: 'confirmed-from', params: { address: '198.51.100.4' } }], preview: { backend: 'iptables', before: [], after: [], added: [], removed: [], foreignRemoved: [], next: { server: 'a1', entries: [], blocked: [], confirmTimeoutSec: 60 } } }
          },
        },
        emit: (_n, payload) => events.push(payload),
      },
      { id: 'a1', name: 'Mail VPS' },
    )
    expect(seen).toEqual(['connect a1', { id: 'a1' }, 'firewall.refresh'])
    expect(p).toEqual({ server: 'a1', name: 'Mail VPS', source: 'menu', outcome: 'confirmed', message: 'ok', notes: [{ code: 'confirmed-from', params: { address: '198.51.100.4' } }], confirmedFrom: '198.51.100.4' })
    expect(events).toEqual([p])
  })
  it('a failure (e.g. the connection) is an event with its code, never a throw', async () => {
    const events: RefreshedPayload[] = []
    const p = await refreshFromMenu(
      {
        connect: async () => {
          throw new AppError('unreachable', 'Cannot reach 192.0.2.1:22')
        },
        handlers: { 'firewall.refresh': async () => Promise.reject(new Error('not reached')) },
        emit: (_n, payload) => events.push(payload),
      },
      { id: 'a1', name: 'Mail VPS' },
    )
    expect(p).toMatchObject({ outcome: 'error', code: 'unreachable', message: 'Cannot reach 192.0.2.1:22' })
    expect(events).toHaveLength(1)
  })
})
