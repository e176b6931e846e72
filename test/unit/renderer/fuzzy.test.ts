import { describe, expect, it } from 'vitest'
import { fuzzyFilter, fuzzyMatch, highlightRuns } from '../../../renderer/src/lib/fuzzy'

describe('fuzzyMatch', () => {
  it('matches characters in order, case-insensitively', () => {
    expect(fuzzyMatch('gts', 'Go to server: mail-tokyo')).not.toBeNull()
    expect(fuzzyMatch('STG', 'Go to settings')?.positions).toEqual([6, 8, 12])
    expect(fuzzyMatch('gtz', 'Go to settings')).toBeNull()
    expect(fuzzyMatch('xyz', 'Open settings')).toBeNull()
  })

  it('matches everything with an empty query', () => {
    expect(fuzzyMatch('  ', 'anything')).toEqual({ score: 0, positions: [] })
  })

  it('reports the matched positions', () => {
    expect(fuzzyMatch('tok', 'mail-tokyo')?.positions).toEqual([5, 6, 7])
    expect(fuzzyMatch('mt', 'mail-tokyo')?.positions).toEqual([0, 5])
  })

  it('ranks substrings and word starts above scattered matches', () => {
    const a = fuzzyMatch('set', 'Open settings')!.score
    const b = fuzzyMatch('set', 'Show all servers; tools')!.score
    expect(a).toBeGreaterThan(b)
  })

  it('works with Japanese text', () => {
    expect(fuzzyMatch('設定', '設定を開く')).not.toBeNull()
    expect(fuzzyMatch('サーバー', 'サーバーを追加')?.positions).toEqual([0, 1, 2, 3])
  })
})

describe('fuzzyFilter', () => {
  const items = ['Go to Dashboard', 'Go to Mail', 'Open settings', 'Add server', 'Toggle light and dark theme']
  it('keeps only matches, best first, stable for ties', () => {
    expect(fuzzyFilter('', items, (s) => s).map((r) => r.item)).toEqual(items)
    expect(fuzzyFilter('mail', items, (s) => s).map((r) => r.item)).toEqual(['Go to Mail'])
    expect(fuzzyFilter('set', items, (s) => s).map((r) => r.item)).toEqual(['Open settings'])
    // An earlier substring wins: 'se' starts a word in both.
    expect(fuzzyFilter('se', items, (s) => s).map((r) => r.item).slice(0, 2)).toEqual(['Add server', 'Open settings'])
  })

  it('falls back to keywords, ranked below label matches, without highlights', () => {
    const cmds = [
      { label: 'Switch language to 日本語', kw: 'language locale 言語' },
      { label: 'テーマを切り替え', kw: 'theme dark light' },
    ]
    const r = fuzzyFilter('theme', cmds, (c) => c.label, (c) => c.kw)
    expect(r.map((x) => x.item.label)).toEqual(['テーマを切り替え'])
    expect(r[0]?.match.positions).toEqual([])
  })
})

describe('highlightRuns', () => {
  it('splits text into hit and plain runs', () => {
    expect(highlightRuns('mail-tokyo', [5, 6, 7])).toEqual([
      { text: 'mail-', hit: false },
      { text: 'tok', hit: true },
      { text: 'yo', hit: false },
    ])
  })
})
