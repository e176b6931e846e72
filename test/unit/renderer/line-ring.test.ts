import { describe, expect, it } from 'vitest'
import { LineRing } from '../../../renderer/src/lib/line-ring'

describe('LineRing', () => {
  it('keeps the newest `capacity` items in order and counts what it dropped', () => {
    const r = new LineRing<number>(3)
    expect([r.push(1), r.push(2), r.push(3)]).toEqual([undefined, undefined, undefined])
    expect(r.push(4)).toBe(1)
    expect(r.push(5)).toBe(2)
    expect([...r]).toEqual([3, 4, 5])
    expect([r.at(0), r.at(2), r.at(3), r.at(-1)]).toEqual([3, 5, undefined, undefined])
    expect([r.length, r.dropped]).toEqual([3, 2])
    r.clear()
    expect([[...r], r.length, r.dropped]).toEqual([[], 0, 0])
  })
  it('stays bounded over a million pushes', () => {
    const r = new LineRing<number>(1000)
    for (let i = 0; i < 1_000_000; i++) r.push(i)
    expect(r.length).toBe(1000)
    expect(r.at(0)).toBe(999_000)
    expect(r.dropped).toBe(999_000)
  })
})
