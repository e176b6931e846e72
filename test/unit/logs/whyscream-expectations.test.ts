// Every whyscream grok case: our fields equal the expected `results` wherever they map (see FIELD_MAP);
// result keys we do not extract are listed in UNMAPPED, and any other key fails the test.

import { describe, expect, it } from 'vitest'
import { parseMessage } from '../../../shared/logs/parse-line'
import { fixtureFiles } from '../../support/maillog-fixtures'
import { FIELD_MAP, KEYVALUE_MAP, SUB_PATTERNS, UNMAPPED, keyValuePairs, programOfPattern, whyscreamCases } from '../../support/whyscream-cases'

const cases = whyscreamCases()
const same = (actual: unknown, expected: string): boolean => (typeof actual === 'number' ? actual === Number(expected) : actual === expected)

describe('whyscream/postfix-grok-patterns cases', () => {
  it('are all read (each yaml file of the fixtures)', () => {
    expect(cases.length).toBe(fixtureFiles().filter((f) => f.startsWith('whyscream__') && f.endsWith('.yaml')).length)
    expect(cases.length).toBeGreaterThan(150)
  })

  const counts = { checked: 0, unmapped: 0 }
  for (const c of cases.filter((x) => !SUB_PATTERNS.has(x.pattern))) {
    it(`${c.file}: ${c.data.slice(0, 70)}`, () => {
      const r = parseMessage(programOfPattern(c.pattern), c.data)
      expect(r.kind).not.toBe('unparsed')
      for (const [key, expected] of Object.entries(c.results)) {
        if (key === 'postfix_keyvalue_data') {
          for (const [k, v] of keyValuePairs(expected)) {
            if (k === 'conn_use') continue
            const get = KEYVALUE_MAP[k]
            expect(get, `no mapping for key list item ${k}`).toBeDefined()
            expect(same(get!(r, v), v), `${k}: ours ${String(get!(r, v))}, expected ${v}`).toBe(true)
            counts.checked++
          }
          continue
        }
        if (UNMAPPED.has(key)) {
          counts.unmapped++
          continue
        }
        const get = FIELD_MAP[key]
        expect(get, `no mapping for ${key}`).toBeDefined()
        expect(same(get!(r, expected), expected), `${key}: ours ${JSON.stringify(get!(r, expected))}, expected ${JSON.stringify(expected)}`).toBe(true)
        counts.checked++
      }
    })
  }

  it('checked far more fields than it left unmapped', () => {
    expect(counts.checked).toBeGreaterThan(400)
    expect(counts.unmapped).toBeLessThan(counts.checked / 4)
  })
})
