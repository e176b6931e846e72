import { computed, onBeforeUnmount, ref, type Ref } from 'vue'
import { useI18n } from 'vue-i18n'
import type { ServerProfile } from '../../../shared/domain/server'
import { secondsLeft, targetOf } from '../lib/connection'
import { useServersStore } from '../stores/servers'

export { targetOf }

const now = ref(Date.now())
let users = 0
let timer: ReturnType<typeof setInterval> | null = null

/** A clock ticking every second while someone shows a countdown. */
function useNow(): Ref<number> {
  users++
  now.value = Date.now()
  timer ??= setInterval(() => (now.value = Date.now()), 250)
  onBeforeUnmount(() => {
    if (--users === 0 && timer) {
      clearInterval(timer)
      timer = null
    }
  })
  return now
}

/** The status line for a server: "Connected to root@mail.example.jp", "Reconnecting in 5 s", "Offline: reason". */
export function useConnectionText(server: Ref<ServerProfile | undefined>) {
  const servers = useServersStore()
  const { t } = useI18n()
  const clock = useNow()
  return computed(() => {
    const p = server.value
    if (!p) return ''
    const s = servers.statuses[p.id]
    const target = targetOf(p)
    switch (s?.state ?? 'offline') {
      case 'connecting':
        return t('status.connecting', { target })
      case 'connected':
        return t('status.connected', { target })
      case 'reconnecting':
        return s?.retryInSec !== undefined ? t('status.reconnectingIn', { n: secondsLeft(s.retryInSec, s.receivedAt, clock.value) }) : t('status.reconnectingNow')
      default:
        return s?.reason ? t('status.offlineReason', { reason: s.reason }) : t('status.offline')
    }
  })
}
