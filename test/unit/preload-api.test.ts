import { describe, expect, it } from 'vitest'
import { buildApi, type IpcRendererLike } from '../../electron/preload/build-api'
import { channels, EVENT_BATCH_CHANNEL, eventNames } from '../../shared/contract/index'

function fakeIpc() {
  const invoked: { channel: string; args: unknown[] }[] = []
  const on = new Map<string, (event: unknown, ...args: unknown[]) => void>()
  const ipc: IpcRendererLike = {
    invoke: async (channel, ...args) => {
      invoked.push({ channel, args })
      return { ok: true, value: channel }
    },
    on: (channel, l) => on.set(channel, l),
  }
  return { ipc, invoked, on }
}

describe('preload window.api', () => {
  it('exposes exactly one method per channel and one subscription per event, nothing generic', () => {
    const api = buildApi(fakeIpc().ipc) as unknown as Record<string, Record<string, unknown>>
    const exposed = Object.entries(api).flatMap(([area, methods]) => Object.keys(methods).map((m) => `${area}.${m}`))
    const expected = [
      ...channels,
      ...eventNames.map((e) => {
        const [a, v] = e.split('.') as [string, string]
        return `${a}.on${v[0]!.toUpperCase()}${v.slice(1)}`
      }),
    ]
    expect(exposed.sort()).toEqual(expected.sort())
    // No generic escape hatch such as api.x.invoke(channel) or api.ipc.send(...).
    expect(exposed.filter((m) => /(^|\.)(invoke|send|sendSync|ipc|ipcRenderer|on|handle|emit)$/.test(m) || m.startsWith('ipc.'))).toEqual([])
  })

  it('sends calls on their own channel with the input', async () => {
    const f = fakeIpc()
    const api = buildApi(f.ipc)
    await api.servers.connect({ id: 'vps' })
    await api.servers.list()
    expect(f.invoked).toEqual([
      { channel: 'servers.connect', args: [{ id: 'vps' }] },
      { channel: 'servers.list', args: [{}] },
    ])
  })

  it('fans a batch of events out to the subscribers of each name, and unsubscribes', () => {
    const f = fakeIpc()
    const api = buildApi(f.ipc)
    const seen: string[] = []
    const off = api.servers.onConnectionState((p) => seen.push(p.state))
    api.journal.onAppended((e) => seen.push('journal:' + e.action))
    const deliver = f.on.get(EVENT_BATCH_CHANNEL)!
    deliver({}, [
      { name: 'servers.connectionState', payload: { serverId: 'vps', state: 'connecting' } },
      { name: 'journal.appended', payload: { action: 'add' } },
      { name: 'servers.connectionState', payload: { serverId: 'vps', state: 'connected' } },
    ])
    off()
    deliver({}, [{ name: 'servers.connectionState', payload: { serverId: 'vps', state: 'offline' } }])
    deliver({}, 'garbage')
    expect(seen).toEqual(['connecting', 'journal:add', 'connected'])
  })
})
