import { describe, expect, it } from 'vitest'
import { parseExpansions } from '../../../shared/config/postfix/postfix-expansions'

const names = (v: string) => parseExpansions(v).references.map((r) => (r.conditional ? `?${r.name}` : r.name))

describe('parseExpansions', () => {
  it('finds every reference form Postfix expands', () => {
    expect(names('$a ${b} $(c) ${d?x $e} ${f:{y $g}} ${h?{1}:{$i}} $$j')).toEqual(['a', 'b', 'c', '?d', 'e', '?f', 'g', '?h', 'i'])
  })
  it('walks Postfix 3 relational expressions', () => {
    expect(names('${{$compatibility_level} <level {3.6} ? {md5} : {sha256}}')).toEqual(['compatibility_level'])
  })
  it('gives exact offsets of the expression and the name', () => {
    const r = parseExpansions('btree:${data_directory}/smtp_scache').references[0]!
    expect([r.from, r.to, r.nameFrom, r.nameTo]).toEqual([6, 23, 8, 22])
  })
  it('reports malformed expressions', () => {
    expect(parseExpansions('${bad name} $ ${open').problems.map((p) => [p.code, p.from])).toEqual([
      ['postfix.bad-expansion', 2],
      ['postfix.stray-dollar', 12],
      ['postfix.unterminated-expansion', 14],
    ])
  })
})
