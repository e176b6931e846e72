import { describe, expect, it } from 'vitest'
import { hasConflictMarkers, mergeThreeWay } from '../../../electron/services/config/workspace/three-way-merge'
import { CONFLICT_MARKERS } from '../../../shared/domain/config-workspace'

const BASE = ['myhostname = mail.example.com', 'message_size_limit = 10240000', 'mynetworks = 127.0.0.0/8', 'relayhost =', ''].join('\n')

describe('three-way merge of config files', () => {
  it('takes a change made on one side only, whichever side', () => {
    const local = BASE.replace('10240000', '20480000')
    expect(mergeThreeWay(BASE, local, BASE)).toEqual({ text: local, conflicts: 0 })
    expect(mergeThreeWay(BASE, BASE, local)).toEqual({ text: local, conflicts: 0 })
  })

  it('merges changes to different lines cleanly', () => {
    const local = BASE.replace('10240000', '20480000')
    const remote = BASE.replace('relayhost =', 'relayhost = [smtp.example.net]:587')
    const m = mergeThreeWay(BASE, local, remote)
    expect(m.conflicts).toBe(0)
    expect(m.text).toBe(BASE.replace('10240000', '20480000').replace('relayhost =', 'relayhost = [smtp.example.net]:587'))
    expect(hasConflictMarkers(m.text)).toBe(false)
  })

  it('takes the same change made on both sides once', () => {
    const both = BASE.replace('mail.example.com', 'mx.example.com')
    expect(mergeThreeWay(BASE, both, both)).toEqual({ text: both, conflicts: 0 })
    const local = both.replace('relayhost =', 'relayhost = a')
    expect(mergeThreeWay(BASE, local, both)).toEqual({ text: local, conflicts: 0 })
  })

  it('marks a line changed differently on both sides as a conflict, local first then the server', () => {
    const local = BASE.replace('10240000', '20480000')
    const remote = BASE.replace('10240000', '51200000')
    const m = mergeThreeWay(BASE, local, remote)
    expect(m.conflicts).toBe(1)
    expect(m.text.split('\n')).toEqual([
      'myhostname = mail.example.com',
      CONFLICT_MARKERS.local,
      'message_size_limit = 20480000',
      CONFLICT_MARKERS.separator,
      'message_size_limit = 51200000',
      CONFLICT_MARKERS.remote,
      'mynetworks = 127.0.0.0/8',
      'relayhost =',
      '',
    ])
    expect(hasConflictMarkers(m.text)).toBe(true)
    // Resolving = keeping one side without the markers.
    expect(hasConflictMarkers(local)).toBe(false)
  })

  it('merges from an empty base (a file new on both sides) as a conflict when they differ', () => {
    const m = mergeThreeWay('', 'a = 1\n', 'a = 2\n')
    expect(m.conflicts).toBe(1)
  })
})
