import { computed } from 'vue'
import { useRoute } from 'vue-router'
import { isArea, type Area } from '../lib/areas'
import { useServersStore } from '../stores/servers'

/** The server and area the route points at (the sidebar, top bar and status bar follow it). */
export function useSelectedServer() {
  const route = useRoute()
  const servers = useServersStore()
  const id = computed(() => (typeof route.params['id'] === 'string' ? route.params['id'] : undefined))
  const server = computed(() => servers.byId(id.value))
  const area = computed<Area | undefined>(() => {
    const a = route.name === 'dashboard' ? 'dashboard' : route.params['area']
    return isArea(a) ? a : undefined
  })
  return { id, server, area }
}
