// The logs store's start/stop under concurrency: the view asks to start again whenever the
// connection state flips (a reconnect), possibly while the first logs.follow has not answered yet,
// and a follow's events may come before or after its id. Whatever the order, the store ends up
// following exactly one follow, shows its state, and leaves no follow running that nobody shows.
// The window.api here is a scripted stand-in for the bridge: it answers and emits in a set order.

import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { toWireBatch, type WireBatch } from '../../../shared/logs/wire-line'

type StatePayload = { followId: string; serverId: string; state: 'starting' | 'following' | 'resuming' | 'stopped' | 'failed'; source: null }
interface Bridge {
  follows: string[]
  stopped: string[]
  replies: Array<() => void>
  emitState(p: StatePayload): void
  emitLines(p: { followId: string; lines: WireBatch }): void
}

function install(): Bridge {
  const stateL: ((p: StatePayload) => void)[] = []
  const linesL: ((p: { followId: string; lines: WireBatch }) => void)[] = []
  let n = 0
  const b: Bridge = {
    follows: [],
    stopped: [],
    replies: [],
    emitState: (p) => stateL.forEach((l) => l(p)),
    emitLines: (p) => linesL.forEach((l) => l(p)),
  }
  const api = {
    logs: {
      onState: (l: (p: StatePayload) => void) => (stateL.push(l), () => undefined),
      onLines: (l: (p: { followId: string; lines: WireBatch }) => void) => (linesL.push(l), () => undefined),
      onSearchLines: () => () => undefined,
      // the reply waits until the test releases it (replies[i]())
      follow: () => {
        const followId = `f${++n}`
        b.follows.push(followId)
        return new Promise((resolve) => b.replies.push(() => resolve({ ok: true, value: { followId, source: { kind: 'file', path: '/var/log/mail.log' } } })))
      },
      stop: async ({ followId }: { followId: string }) => {
        b.stopped.push(followId)
        return { ok: true, value: { stopped: true } }
      },
    },
  }
  ;(globalThis as unknown as { window: unknown }).window = { api }
  return b
}

const tick = () => new Promise((r) => setTimeout(r, 0))

/** What the test uses of the store. The module is loaded by a computed path: it is type-checked with the
 * renderer (DOM) project, not with this Node one. */
interface LogsStore {
  start(id: string): Promise<void>
  stop(): Promise<void>
  readonly followId: string | null
  readonly state: string
  readonly total: number
  readonly serverId: string | null
}
const STORE = '../../../renderer/src/stores/logs'
async function logsStore(): Promise<LogsStore> {
  const m = (await import(/* @vite-ignore */ STORE)) as { useLogsStore: () => LogsStore }
  return m.useLogsStore()
}
const line = (seq: number) => toWireBatch([{ raw: `Nov 28 07:13:02 mx1 postfix/smtpd[1]: connect from a[192.0.2.${seq}]`, format: 'syslog', time: 1, host: 'mx1', program: 'postfix/smtpd', pid: 1, queueId: null, kind: 'connect', severity: 'info', message: `connect from a[192.0.2.${seq}]`, fields: {}, truncated: false, seq }])

describe('logs store: start while a start is under way', () => {
  let bridge: Bridge
  beforeEach(() => {
    bridge = install()
    setActivePinia(createPinia())
  })

  it('a second start for the same server joins the first: one follow, and its early events are not lost', async () => {
    const logs = await logsStore()
    const first = logs.start('vps')
    await tick()
    // the connection flipped (reconnecting -> connected): the view asks again
    const second = logs.start('vps')
    await tick()
    expect(bridge.follows).toEqual(['f1'])
    // the follow's events come before its id does
    bridge.emitState({ followId: 'f1', serverId: 'vps', state: 'following', source: null })
    bridge.emitLines({ followId: 'f1', lines: line(1) })
    bridge.replies[0]!()
    await Promise.all([first, second])
    expect(logs.followId).toBe('f1')
    expect(logs.state).toBe('following')
    expect(logs.total).toBe(1)
    expect(bridge.stopped).toEqual([])
  })

  it('a stop while starting stops the follow once its id comes (no follow left running)', async () => {
    const logs = await logsStore()
    const first = logs.start('vps')
    await tick()
    await logs.stop()
    bridge.replies[0]!()
    await first
    expect(bridge.stopped).toEqual(['f1'])
    expect(logs.followId).toBe(null)
    expect(logs.state).toBe('stopped')
  })

  it('switching servers while starting: the first follow is stopped, the second one is shown', async () => {
    const logs = await logsStore()
    const a = logs.start('vps-a')
    await tick()
    const b = logs.start('vps-b')
    await tick()
    expect(bridge.follows).toEqual(['f1', 'f2'])
    bridge.emitState({ followId: 'f2', serverId: 'vps-b', state: 'following', source: null })
    bridge.replies[1]!()
    bridge.replies[0]!()
    await Promise.all([a, b])
    expect(logs.followId).toBe('f2')
    expect(logs.serverId).toBe('vps-b')
    expect(logs.state).toBe('following')
    expect(bridge.stopped).toEqual(['f1'])
  })
})
