import type { MessageBoxSyncOptions } from 'electron'
import type { Locale } from '../../shared/domain/settings'

// The window is closing (or reloading) while the configs editor holds unsaved edits: the renderer's
// beforeunload handler refuses, Electron emits 'will-prevent-unload', and main asks the user with a
// native dialog. Pure (tested without Electron); index.ts shows it and lets the page go on "Leave".

const TEXT = {
  en: {
    title: 'Unsaved changes',
    message: 'Some config files have unsaved changes.',
    detail: 'If you close Postdesk now, the edits in the editor are lost. Files you already saved stay in the local workspace.',
    leave: 'Close without saving',
    stay: 'Keep editing',
  },
  ja: {
    title: '未保存の変更',
    message: '保存していない設定ファイルの変更があります。',
    detail: 'いま Postdesk を閉じると、エディターでの編集は失われます。保存済みのファイルはローカルのワークスペースに残ります。',
    leave: '保存せずに閉じる',
    stay: '編集を続ける',
  },
} satisfies Record<Locale, Record<string, string>>

/** Buttons: 0 leaves (closes), 1 stays; Escape and the default (Enter) stay. */
export function unsavedCloseDialogOptions(locale: Locale): MessageBoxSyncOptions {
  const t = TEXT[locale] ?? TEXT.en
  return { type: 'warning', title: t.title, message: t.message, detail: t.detail, buttons: [t.leave, t.stay], defaultId: 1, cancelId: 1, noLink: true }
}

/** Whether the dialog's answer lets the page unload (then 'will-prevent-unload' is prevented). */
export const leavesPage = (response: number): boolean => response === 0
