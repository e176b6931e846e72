import { describe, expect, it } from 'vitest'
import { EventBatcher, type EventBatch } from '../../electron/main/event-batcher'

describe('EventBatcher', () => {
  it('coalesces a burst into one message per interval', async () => {
    const b = new EventBatcher(20)
    const got: EventBatch[][] = []
    b.addSink((_c, batch) => got.push(batch))
    for (let i = 0; i < 5000; i++) b.emit('servers.connectionState', { serverId: 'vps', state: 'connected' })
    expect(got).toHaveLength(0)
    await new Promise((r) => setTimeout(r, 60))
    expect(got).toHaveLength(1)
    expect(got[0]).toHaveLength(5000)
  })
})
