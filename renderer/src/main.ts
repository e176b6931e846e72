import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { i18n, t } from './i18n'
import { router } from './router'
import { useFirewallStore } from './stores/firewall'
import { useServersStore } from './stores/servers'
import { useSettingsStore } from './stores/settings'
import './styles/base.css'

async function start(): Promise<void> {
  const root = document.getElementById('app')!
  if (!window.api) {
    // Opened outside the app (no preload): say so instead of failing on the first call.
    root.textContent = t('app.noBridge')
    root.className = 'no-bridge'
    return
  }
  const pinia = createPinia()
  const app = createApp(App).use(pinia).use(i18n).use(router)

  // Locale and theme first, so the first screen is already in the right language and colours;
  // a slow main process does not hold the window blank for long.
  const settings = useSettingsStore(pinia)
  await Promise.race([settings.load(), new Promise((r) => setTimeout(r, 1500))])
  void useServersStore(pinia).load()
  useFirewallStore(pinia).watchHomeIp()
  await router.isReady().catch(() => undefined)
  app.mount('#app')
}

void start()
