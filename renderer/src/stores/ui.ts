import { defineStore } from 'pinia'
import { ref } from 'vue'

/** Shell-wide overlays: the command palette and the shortcut help. */
export const useUiStore = defineStore('ui', () => {
  const paletteOpen = ref(false)
  const shortcutsOpen = ref(false)
  return { paletteOpen, shortcutsOpen }
})
