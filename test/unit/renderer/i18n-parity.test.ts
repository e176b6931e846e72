import { describe, expect, it } from 'vitest'
import { errorCodes } from '../../../shared/errors'
import en from '../../../renderer/src/i18n/locales/en'
import ja from '../../../renderer/src/i18n/locales/ja'

type Tree = { [k: string]: string | Tree }

function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [k, v] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${k}` : k
    if (typeof v === 'string') out.set(path, v)
    else for (const [p, s] of leaves(v, path)) out.set(p, s)
  }
  return out
}
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

const enLeaves = leaves(en as Tree)
const jaLeaves = leaves(ja as Tree)

describe('renderer locales', () => {
  it('en and ja have exactly the same keys', () => {
    expect([...jaLeaves.keys()].sort()).toEqual([...enLeaves.keys()].sort())
  })

  it('every message is non-empty and uses the same placeholders in both languages', () => {
    for (const [key, text] of enLeaves) {
      expect(text.trim(), key).not.toBe('')
      expect(jaLeaves.get(key)?.trim(), key).not.toBe('')
      expect(placeholders(jaLeaves.get(key) ?? ''), key).toEqual(placeholders(text))
    }
  })

  it('uses only plain text, {name} placeholders and the {\'@\'} literal (no linked or plural syntax by accident)', () => {
    for (const [key, text] of [...enLeaves, ...jaLeaves]) {
      // {'@'} is vue-i18n's way to print a literal @ (a bare @ starts a linked message).
      const rest = text.replace(/\{\w+\}/g, '').replace(/\{'@'\}/g, '')
      expect(rest, key).not.toMatch(/[{}@|$]/)
    }
  })

  it('has a message for every error code', () => {
    for (const code of errorCodes) {
      expect(enLeaves.has(`errors.${code}`), code).toBe(true)
      expect(jaLeaves.has(`errors.${code}`), code).toBe(true)
    }
  })

  it('is actually translated: Japanese messages contain Japanese', () => {
    // Product and technical names are the same in both languages.
    const sameOnPurpose = new Set(['dashboard.init.sysv'])
    const untranslated = [...jaLeaves].filter(([key, s]) => !sameOnPurpose.has(key) && s === enLeaves.get(key) && /[a-z]{4,}\s[a-z]{4,}/i.test(s))
    expect(untranslated).toEqual([])
  })
})
