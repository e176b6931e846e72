import { describe, expect, it } from 'vitest'
import { secondsLeft, targetOf } from '../../../renderer/src/lib/connection'

describe('status bar helpers', () => {
  it('counts the reconnect delay down from when the status arrived', () => {
    expect(secondsLeft(8, 1000, 1000)).toBe(8)
    expect(secondsLeft(8, 1000, 2300)).toBe(7)
    expect(secondsLeft(8, 1000, 9000)).toBe(0)
    expect(secondsLeft(8, 1000, 20000)).toBe(0)
    // A clock reading older than the status does not add time.
    expect(secondsLeft(8, 1000, 500)).toBe(8)
  })

  it('writes the SSH target like ssh does', () => {
    expect(targetOf({ user: 'admin', host: 'mail.example.jp', port: 22 })).toBe('admin@mail.example.jp')
    expect(targetOf({ user: 'root', host: '203.0.113.25', port: 2222 })).toBe('root@203.0.113.25:2222')
  })
})
