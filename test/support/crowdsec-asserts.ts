// crowdsec hub parser tests (.tests/*/parser.assert): Go-expression assertions on the fields its
// parsers extract from each line of the matching .log. Reads the `== "string"` assertions of the
// raw (s00) and parse (s01) stages.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { FIXTURE_ROOT } from './maillog-fixtures'

export interface CrowdsecAssert {
  stage: string
  index: number
  /** Parsed, Meta or Unmarshaled */
  map: string
  key: string
  /** Unmarshaled["postfix"]["from"]: the inner key */
  subKey: string | null
  /** `[4:]`: the assertion is about the value from this offset */
  from: number | null
  value: string
}

export function crowdsecAsserts(rel: string): CrowdsecAssert[] {
  const out: CrowdsecAssert[] = []
  const re = /^results\["(s0[01]-[a-z]+)"\]\["[^"]+"\]\[(\d+)\]\.Evt\.(Parsed|Meta|Unmarshaled)\["(\w+)"\](?:\["(\w+)"\])?(?:\[(\d+):\])? == ("(?:[^"\\]|\\.)*")$/
  for (const line of readFileSync(join(FIXTURE_ROOT, rel), 'utf8').split('\n')) {
    const m = re.exec(line)
    if (!m) continue
    out.push({
      stage: m[1]!,
      index: Number(m[2]),
      map: m[3]!,
      key: m[4]!,
      subKey: m[5] ?? null,
      from: m[6] === undefined ? null : Number(m[6]),
      value: JSON.parse(m[7]!) as string,
    })
  }
  return out
}
