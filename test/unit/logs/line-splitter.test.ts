// Lines out of bytes: the same lines whatever the chunking, LF-only splitting, a last line without LF.

import { describe, expect, it } from 'vitest'
import { decodeLatin1, LineSplitter } from '../../../shared/logs/line-splitter'
import { generateMaillog } from '../../support/maillog-generator'

function split(bytes: Uint8Array, cuts: number[], opts = {}): string[] {
  const out: string[] = []
  const sp = new LineSplitter((l) => void out.push(l), opts)
  let prev = 0
  for (const c of [...cuts, bytes.length]) {
    sp.push(bytes.subarray(prev, c))
    prev = c
  }
  sp.end()
  return out
}

describe('LineSplitter', () => {
  const text = generateMaillog(300, { seed: 5 }) + 'last line without LF\r'
  const bytes = new TextEncoder().encode(text)
  const expected = text.split('\n')

  it('gives the same lines for every single cut position', () => {
    for (let c = 0; c <= bytes.length; c += 7) expect(split(bytes, [c])).toEqual(expected)
  })

  it('gives the same lines one byte at a time', () => {
    expect(split(bytes, Array.from({ length: bytes.length }, (_, i) => i))).toEqual(expected)
  })

  it('keeps CR (split on LF only) and multi-byte characters cut across chunks', () => {
    const s = 'a\r\nこんにちは 世界\nb'
    const b = new TextEncoder().encode(s)
    for (let c = 0; c <= b.length; c++) expect(split(b, [c])).toEqual(['a\r', 'こんにちは 世界', 'b'])
  })

  it('decodes Latin-1 one char per byte', () => {
    const b = new Uint8Array([0x61, 0xe9, 0xff, 0x0a, 0x80])
    expect(split(b, [2], { decode: decodeLatin1 })).toEqual(['a\u00e9\u00ff', '\u0080'])
  })

  it('counts lines, cut lines and dropped bytes', () => {
    const out: boolean[] = []
    const sp = new LineSplitter((_l, t) => void out.push(t), { maxLineBytes: 10 })
    sp.push(new TextEncoder().encode('0123456789ABC\nshort\n0123456789'))
    sp.push(new TextEncoder().encode('XYZ'))
    sp.end()
    expect(out).toEqual([true, false, true])
    expect([sp.lines, sp.truncatedLines, sp.droppedBytes]).toEqual([3, 2, 6])
  })
})
