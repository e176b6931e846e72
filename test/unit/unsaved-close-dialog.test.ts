import { describe, expect, it } from 'vitest'
import { leavesPage, unsavedCloseDialogOptions } from '../../electron/main/unsaved-close-dialog'

describe('the native dialog when the window closes with unsaved config edits', () => {
  it('English and Japanese; button 0 closes, button 1 (default, Escape) keeps editing', () => {
    const en = unsavedCloseDialogOptions('en')
    expect(en).toMatchObject({ type: 'warning', buttons: ['Close without saving', 'Keep editing'], defaultId: 1, cancelId: 1, noLink: true })
    expect(en.message).toMatch(/unsaved/)
    const ja = unsavedCloseDialogOptions('ja')
    expect(ja.buttons).toEqual(['保存せずに閉じる', '編集を続ける'])
    expect(ja.detail).toContain('失われます')
    expect(leavesPage(0)).toBe(true)
    expect(leavesPage(1)).toBe(false)
    // Escape answers cancelId: the page stays.
    expect(leavesPage(en.cancelId as number)).toBe(false)
    expect(leavesPage(en.defaultId as number)).toBe(false)
  })
})
