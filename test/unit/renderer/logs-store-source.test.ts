// The logs store's choice of log source: remembered per server, sent with every follow and search,
// and a restart follows again with the new choice (stopping the old follow). The window.api here is
// a stand-in for the bridge that records what the store asks for and answers at once.

import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'

type Choice = 'auto' | 'file' | 'journal'
interface Bridge {
  follows: { id: string; source?: Choice }[]
  searches: { id: string; source?: Choice }[]
  stopped: string[]
  /** when set, follow fails with this error */
  failWith?: { code: string; message: string; detail?: Record<string, unknown> }
}

function install(): Bridge {
  const b: Bridge = { follows: [], searches: [], stopped: [] }
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
  }
  ;(globalThis as unknown as { window: unknown }).window = { api }
  return b
}

/** What the test uses of the store (loaded by a computed path: type-checked with the renderer project). */
interface LogsStore {
  start(id: string): Promise<void>
  restart(id: string): Promise<void>
  search(q: { text: string }): Promise<void>
  setSourceChoice(id: string, c: Choice): void
  sourceChoiceOf(id: string): Choice
  readonly followId: string | null
  readonly source: { kind: string } | null
  readonly state: string
  readonly sourceMissing: string | null
}
const STORE = '../../../renderer/src/stores/logs'
async function logsStore(): Promise<LogsStore> {
  const m = (await import(/* @vite-ignore */ STORE)) as { useLogsStore: () => LogsStore }
  return m.useLogsStore()
}

describe('logs store: the chosen log source', () => {
  let bridge: Bridge
  beforeEach(() => {
    bridge = install()
    setActivePinia(createPinia())
  })

  it("starts with 'auto', and a restart after choosing the journal stops the old follow and follows the journal", async () => {
    const logs = await logsStore()
    await logs.start('vps')
    expect(bridge.follows).toEqual([{ id: 'vps', source: 'auto' }])
    logs.setSourceChoice('vps', 'journal')
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
    logs.setSourceChoice('a', 'journal')
    logs.setSourceChoice('b', 'file')
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
    logs.setSourceChoice('vps', 'journal')
    bridge.failWith = { code: 'unsupported', message: 'The journal was chosen as the log source, but journalctl is not installed on the server.', detail: { missing: 'journalctl' } }
    await expect(logs.restart('vps')).rejects.toMatchObject({ code: 'unsupported' })
    expect([logs.state, logs.sourceMissing, logs.source]).toEqual(['failed', 'journalctl', null])
    bridge.failWith = undefined
    logs.setSourceChoice('vps', 'auto')
    await logs.restart('vps')
    expect([logs.sourceMissing, logs.source?.kind]).toEqual([null, 'file'])
    // any other failure is not a missing source
    bridge.failWith = { code: 'remote-failed', message: 'exit 1' }
    await expect(logs.restart('vps')).rejects.toMatchObject({ code: 'remote-failed' })
    expect(logs.sourceMissing).toBe(null)
  })
})
