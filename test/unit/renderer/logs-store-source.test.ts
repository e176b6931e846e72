// The logs store's choice of log source: the server profile's logSource (absent: auto) until the user
// chooses another, sent with every follow and search; a restart follows again with the new choice
// (stopping the old follow). A choice is saved in the profile through servers.update (the whole
// profile, the new logSource in it); when that fails the choice still applies and a toast says it was
// not saved. The window.api here is a stand-in for the bridge that records what the stores ask for.

import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'

type Choice = 'auto' | 'file' | 'journal'
interface Profile {
  id: string
  name: string
  host: string
  port: number
  user: string
  keyPath: string
  createdAt: string
  logSource?: Choice
}
interface Bridge {
  follows: { id: string; source?: Choice }[]
  searches: { id: string; source?: Choice }[]
  stopped: string[]
  /** the profiles as the main process keeps them */
  profiles: Profile[]
  /** what servers.update was sent, in order */
  updates: { id: string; profile: Record<string, unknown> }[]
  /** when set, follow fails with this error */
  failWith?: { code: string; message: string; detail?: Record<string, unknown> }
  /** when set, servers.update fails with this error (nothing saved) */
  updateFailsWith?: { code: string; message: string }
  /** when set, servers.update answers only when the test calls the function it puts here */
  holdUpdates?: (() => void)[]
}

const profile = (id: string, logSource?: Choice): Profile => ({ id, name: id, host: `${id}.example.com`, port: 22, user: 'admin', keyPath: '/k', createdAt: '2026-01-01T00:00:00.000Z', ...(logSource ? { logSource } : {}) })

function install(profiles: Profile[] = []): Bridge {
  const b: Bridge = { follows: [], searches: [], stopped: [], profiles, updates: [] }
  let n = 0
  const api = {
    logs: {
      onState: () => () => undefined,
      onLines: () => () => undefined,
      onSearchLines: () => () => undefined,
      follow: async (i: { id: string; source?: Choice }) => {
        b.follows.push({ id: i.id, ...(i.source ? { source: i.source } : {}) })
        if (b.failWith) return { ok: false, error: b.failWith }
        const source = i.source === 'journal' ? { kind: 'journal', units: ['postfix.service'] } : { kind: 'file', path: '/var/log/mail.log' }
        return { ok: true, value: { followId: `f${++n}`, source } }
      },
      stop: async ({ followId }: { followId: string }) => {
        b.stopped.push(followId)
        return { ok: true, value: { stopped: true } }
      },
      search: async (i: { id: string; source?: Choice }) => {
        b.searches.push({ id: i.id, ...(i.source ? { source: i.source } : {}) })
        return { ok: true, value: { matched: 0, files: [], cancelled: false, limited: false } }
      },
    },
    servers: {
      onConnectionState: () => () => undefined,
      list: async () => ({ ok: true, value: b.profiles.map((p) => ({ ...p })) }),
      status: async ({ id }: { id: string }) => ({ ok: true, value: { serverId: id, state: 'connected' } }),
      update: async (i: { id: string; profile: Record<string, unknown> }) => {
        b.updates.push(i)
        if (b.holdUpdates) await new Promise<void>((r) => b.holdUpdates?.push(r))
        if (b.updateFailsWith) return { ok: false, error: b.updateFailsWith }
        const old = b.profiles.find((p) => p.id === i.id) as Profile
        const saved = { ...(i.profile as unknown as Profile), id: old.id, createdAt: old.createdAt }
        b.profiles = b.profiles.map((p) => (p.id === i.id ? saved : p))
        return { ok: true, value: { ...saved } }
      },
    },
  }
  ;(globalThis as unknown as { window: unknown }).window = { api }
  return b
}

const tick = () => new Promise((r) => setTimeout(r, 0))

/** What the test uses of the stores (loaded by a computed path: type-checked with the renderer project). */
interface LogsStore {
  start(id: string): Promise<void>
  restart(id: string): Promise<void>
  search(q: { text: string }): Promise<void>
  setSourceChoice(id: string, c: Choice): Promise<boolean>
  sourceChoiceOf(id: string): Choice
  readonly followId: string | null
  readonly source: { kind: string } | null
  readonly state: string
  readonly sourceMissing: string | null
}
interface ServersStore {
  load(): Promise<void>
  byId(id: string): Profile | undefined
}
interface ToastsStore {
  readonly items: { kind: string; title: string; detail?: string }[]
}
const STORES = '../../../renderer/src/stores/'
async function stores(): Promise<{ logs: LogsStore; servers: ServersStore; toasts: ToastsStore }> {
  const logs = (await import(/* @vite-ignore */ `${STORES}logs`)) as { useLogsStore: () => LogsStore }
  const servers = (await import(/* @vite-ignore */ `${STORES}servers`)) as { useServersStore: () => ServersStore }
  const toasts = (await import(/* @vite-ignore */ `${STORES}toasts`)) as { useToastsStore: () => ToastsStore }
  const s = { logs: logs.useLogsStore(), servers: servers.useServersStore(), toasts: toasts.useToastsStore() }
  await s.servers.load()
  return s
}
async function logsStore(): Promise<LogsStore> {
  return (await stores()).logs
}

describe('logs store: the chosen log source', () => {
  let bridge: Bridge
  beforeEach(() => {
    bridge = install([profile('vps'), profile('a'), profile('b'), profile('c')])
    setActivePinia(createPinia())
  })

  it("starts with 'auto', and a restart after choosing the journal stops the old follow and follows the journal", async () => {
    const logs = await logsStore()
    await logs.start('vps')
    expect(bridge.follows).toEqual([{ id: 'vps', source: 'auto' }])
    void logs.setSourceChoice('vps', 'journal')
    await logs.restart('vps')
    expect(bridge.stopped).toEqual(['f1'])
    expect(bridge.follows.at(-1)).toEqual({ id: 'vps', source: 'journal' })
    expect(logs.followId).toBe('f2')
    expect(logs.source?.kind).toBe('journal')
    await logs.search({ text: 'x' })
    expect(bridge.searches).toEqual([{ id: 'vps', source: 'journal' }])
  })

  it('remembers the choice per server', async () => {
    const logs = await logsStore()
    await logs.setSourceChoice('a', 'journal')
    await logs.setSourceChoice('b', 'file')
    expect([logs.sourceChoiceOf('a'), logs.sourceChoiceOf('b'), logs.sourceChoiceOf('c')]).toEqual(['journal', 'file', 'auto'])
    await logs.start('b')
    await logs.start('a')
    await logs.start('c')
    expect(bridge.follows.map((f) => f.source)).toEqual(['file', 'journal', 'auto'])
  })

  it('a start refused for a missing source says what is missing, and a later start clears it and the old source', async () => {
    const logs = await logsStore()
    await logs.start('vps')
    expect(logs.source?.kind).toBe('file')
    await logs.setSourceChoice('vps', 'journal')
    bridge.failWith = { code: 'unsupported', message: 'The journal was chosen as the log source, but journalctl is not installed on the server.', detail: { missing: 'journalctl' } }
    await expect(logs.restart('vps')).rejects.toMatchObject({ code: 'unsupported' })
    expect([logs.state, logs.sourceMissing, logs.source]).toEqual(['failed', 'journalctl', null])
    bridge.failWith = undefined
    await logs.setSourceChoice('vps', 'auto')
    await logs.restart('vps')
    expect([logs.sourceMissing, logs.source?.kind]).toEqual([null, 'file'])
    // any other failure is not a missing source
    bridge.failWith = { code: 'remote-failed', message: 'exit 1' }
    await expect(logs.restart('vps')).rejects.toMatchObject({ code: 'remote-failed' })
    expect(logs.sourceMissing).toBe(null)
  })
})

describe('logs store: the source kept in the server profile', () => {
  it("starts from the profile's logSource (absent: auto) for follow and search", async () => {
    const bridge = install([profile('j', 'journal'), profile('f', 'file'), profile('none')])
    setActivePinia(createPinia())
    const logs = await logsStore()
    expect(['j', 'f', 'none'].map((id) => logs.sourceChoiceOf(id))).toEqual(['journal', 'file', 'auto'])
    await logs.start('j')
    await logs.search({ text: 'x' })
    await logs.start('f')
    await logs.start('none')
    expect(bridge.follows).toEqual([{ id: 'j', source: 'journal' }, { id: 'f', source: 'file' }, { id: 'none', source: 'auto' }])
    expect(bridge.searches).toEqual([{ id: 'j', source: 'journal' }])
  })

  it('a choice is saved as the whole profile with the new logSource; auto is saved as no field; a fresh store reads it back', async () => {
    const bridge = install([profile('vps')])
    setActivePinia(createPinia())
    const { logs, servers, toasts } = await stores()
    expect(await logs.setSourceChoice('vps', 'journal')).toBe(true)
    const { id: _id, createdAt: _c, ...fields } = profile('vps')
    expect(bridge.updates).toEqual([{ id: 'vps', profile: { ...fields, logSource: 'journal' } }])
    expect(servers.byId('vps')?.logSource).toBe('journal')
    // the app restarted: new stores, the profile as saved
    setActivePinia(createPinia())
    const again = await logsStore()
    expect(again.sourceChoiceOf('vps')).toBe('journal')
    await again.start('vps')
    expect(bridge.follows.at(-1)).toEqual({ id: 'vps', source: 'journal' })
    expect(await again.setSourceChoice('vps', 'auto')).toBe(true)
    expect(bridge.updates.at(-1)).toEqual({ id: 'vps', profile: fields })
    expect(bridge.profiles[0]).toEqual(profile('vps'))
    expect(toasts.items).toEqual([])
  })

  it('a save that fails: the choice still applies for the session, and a toast says it was not saved', async () => {
    const bridge = install([profile('vps', 'file')])
    setActivePinia(createPinia())
    const { logs, servers, toasts } = await stores()
    await logs.start('vps')
    bridge.updateFailsWith = { code: 'io', message: 'EACCES: permission denied, open profiles.json' }
    const saved = logs.setSourceChoice('vps', 'journal')
    // used at once, before the save has answered
    expect(logs.sourceChoiceOf('vps')).toBe('journal')
    expect(await saved).toBe(false)
    expect(logs.sourceChoiceOf('vps')).toBe('journal')
    expect(servers.byId('vps')?.logSource).toBe('file')
    expect(bridge.profiles[0]?.logSource).toBe('file')
    await logs.restart('vps')
    expect(bridge.follows.at(-1)).toEqual({ id: 'vps', source: 'journal' })
    expect(toasts.items).toHaveLength(1)
    expect(toasts.items[0]).toMatchObject({ kind: 'warning', title: 'The source “Journal” could not be saved in the server profile: it is used until Postdesk is closed.' })
    expect(toasts.items[0]?.detail).toContain('EACCES: permission denied')
    // a later choice that saves replaces the unsaved one
    bridge.updateFailsWith = undefined
    expect(await logs.setSourceChoice('vps', 'auto')).toBe(true)
    expect([logs.sourceChoiceOf('vps'), servers.byId('vps')?.logSource]).toEqual(['auto', undefined])
  })

  it('two choices in quick succession: the later one holds while the earlier save answers, and ends saved', async () => {
    const bridge = install([profile('vps')])
    setActivePinia(createPinia())
    const { logs, servers, toasts } = await stores()
    bridge.holdUpdates = []
    const first = logs.setSourceChoice('vps', 'journal')
    const second = logs.setSourceChoice('vps', 'file')
    await tick()
    expect(bridge.holdUpdates).toHaveLength(2)
    bridge.holdUpdates[0]?.()
    expect(await first).toBe(true)
    // the profile says journal now, but the choice made last is file
    expect(servers.byId('vps')?.logSource).toBe('journal')
    expect(logs.sourceChoiceOf('vps')).toBe('file')
    bridge.holdUpdates[1]?.()
    expect(await second).toBe(true)
    expect([logs.sourceChoiceOf('vps'), servers.byId('vps')?.logSource, bridge.profiles[0]?.logSource]).toEqual(['file', 'file', 'file'])
    expect(toasts.items).toEqual([])
  })
})
