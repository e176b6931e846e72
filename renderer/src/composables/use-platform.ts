const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent)

/** How to write a shortcut on this platform: ⌘K on macOS, Ctrl+K elsewhere. */
export function useKeyLabels() {
  const mod = isMac ? '⌘' : 'Ctrl'
  const alt = isMac ? '⌥' : 'Alt'
  const join = (...keys: string[]) => (isMac ? keys.join('') : keys.join('+'))
  return { isMac, mod, alt, join }
}

/** Ctrl on Linux/Windows, Cmd on macOS. */
export const hasModifier = (e: KeyboardEvent): boolean => (isMac ? e.metaKey : e.ctrlKey)
