import { onBeforeUnmount, onMounted } from 'vue'
import { areas } from '../lib/areas'
import { useUiStore } from '../stores/ui'
import { useAppActions } from './use-commands'
import { hasModifier } from './use-platform'

/**
 * Ctrl/Cmd+K palette, Ctrl/Cmd+, settings, Ctrl/Cmd+N add server, Ctrl/Cmd+/ shortcut help,
 * Alt+1..6 areas of the selected server. Ignored while another modal dialog is open.
 */
export function useGlobalShortcuts(): void {
  const ui = useUiStore()
  const actions = useAppActions()

  function onKeydown(e: KeyboardEvent): void {
    if (e.defaultPrevented || e.isComposing) return
    const mod = hasModifier(e) && !e.altKey
    const key = e.key.toLowerCase()

    if (mod && !e.shiftKey && key === 'k') {
      e.preventDefault()
      ui.paletteOpen = !ui.paletteOpen
      return
    }
    // Other shortcuts act on the page: not behind a dialog (the palette closes itself first).
    const otherDialog = [...document.querySelectorAll('dialog[open]')].some((d) => !d.matches('[data-testid=palette]'))
    if (otherDialog) return

    let run: (() => unknown) | null = null
    if (mod && !e.shiftKey && (key === ',' || e.code === 'Comma')) run = actions.openSettings
    else if (mod && !e.shiftKey && key === 'n') run = actions.addServer
    else if (mod && (key === '/' || e.code === 'Slash')) run = actions.showShortcuts
    else if (e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey && /^Digit[1-6]$/.test(e.code)) {
      const area = areas[Number(e.code.slice(5)) - 1]
      if (area) run = () => actions.goArea(area)
    }
    if (!run) return
    e.preventDefault()
    ui.paletteOpen = false
    run()
  }

  onMounted(() => window.addEventListener('keydown', onKeydown))
  onBeforeUnmount(() => window.removeEventListener('keydown', onKeydown))
}
