import { computed } from 'vue'
import { useI18n } from 'vue-i18n'
import { useRouter } from 'vue-router'
import type { IconName } from '../components/AppIcon.vue'
import { areas, type Area } from '../lib/areas'
import { useServersStore } from '../stores/servers'
import { useSettingsStore } from '../stores/settings'
import { useUiStore } from '../stores/ui'
import { useKeyLabels } from './use-platform'
import { useSelectedServer } from './use-selected-server'

export interface Command {
  id: string
  group: 'servers' | 'areas' | 'app'
  label: string
  /** Extra words to match (both languages, so "theme" finds the command in Japanese too). */
  keywords?: string
  icon: IconName
  shortcut?: string
  run: () => void
}

export const areaIcons: Record<Area, IconName> = {
  dashboard: 'dashboard',
  mail: 'mail',
  configs: 'configs',
  logs: 'logs',
  firewall: 'firewall',
  services: 'services',
}

/** Navigation and app actions shared by the command palette and the keyboard shortcuts. */
export function useAppActions() {
  const router = useRouter()
  const ui = useUiStore()
  const { id } = useSelectedServer()
  const goArea = (area: Area, serverId = id.value) => {
    if (!serverId) return false
    void router.push(area === 'dashboard' ? { name: 'dashboard', params: { id: serverId } } : { name: 'area', params: { id: serverId, area } })
    return true
  }
  return {
    goArea,
    goServer: (serverId: string) => void router.push({ name: 'dashboard', params: { id: serverId } }),
    goServers: () => void router.push({ name: 'servers' }),
    addServer: () => void router.push({ name: 'add-server' }),
    openSettings: () => void router.push({ name: 'settings' }),
    openActivity: () => void router.push({ name: 'activity' }),
    showShortcuts: () => (ui.shortcutsOpen = true),
  }
}

export function useCommands() {
  const { t } = useI18n()
  const servers = useServersStore()
  const settings = useSettingsStore()
  const { server } = useSelectedServer()
  const actions = useAppActions()
  const keys = useKeyLabels()

  return computed<Command[]>(() => {
    const list: Command[] = []
    const current = server.value
    if (current) {
      areas.forEach((area, i) =>
        list.push({
          id: `area-${area}`,
          group: 'areas',
          label: t('palette.cmd.goArea', { area: t(`areas.${area}`) }),
          keywords: area,
          icon: areaIcons[area],
          shortcut: keys.join(keys.alt, String(i + 1)),
          run: () => actions.goArea(area),
        }),
      )
      const state = servers.stateOf(current.id)
      list.push(
        state === 'connected' || state === 'reconnecting'
          ? { id: 'disconnect', group: 'servers', label: t('palette.cmd.disconnect', { name: current.name }), keywords: 'disconnect 切断', icon: 'power', run: () => void servers.disconnect(current.id) }
          : { id: 'connect', group: 'servers', label: t('palette.cmd.connect', { name: current.name }), keywords: 'connect 接続', icon: 'power', run: () => void servers.connect(current.id) },
      )
    }
    for (const p of servers.profiles)
      list.push({ id: `server-${p.id}`, group: 'servers', label: t('palette.cmd.goServer', { name: p.name }), keywords: `${p.host} ${p.id}`, icon: 'server', run: () => actions.goServer(p.id) })
    list.push(
      { id: 'servers', group: 'servers', label: t('palette.cmd.allServers'), keywords: 'servers list サーバー一覧', icon: 'home', run: actions.goServers },
      { id: 'add-server', group: 'app', label: t('palette.cmd.addServer'), keywords: 'add new server 追加', icon: 'plus', shortcut: keys.join(keys.mod, 'N'), run: actions.addServer },
      { id: 'settings', group: 'app', label: t('palette.cmd.settings'), keywords: 'settings preferences 設定', icon: 'settings', shortcut: keys.join(keys.mod, ','), run: actions.openSettings },
      { id: 'activity', group: 'app', label: t('palette.cmd.activity'), keywords: 'activity journal history 操作履歴', icon: 'activity', run: actions.openActivity },
      { id: 'toggle-theme', group: 'app', label: t('palette.cmd.toggleTheme'), keywords: 'theme dark light テーマ ダーク ライト', icon: 'moon', run: () => void settings.toggleTheme() },
      {
        id: 'switch-language',
        group: 'app',
        label: t('palette.cmd.switchLanguage', { language: t(`languages.${settings.locale === 'ja' ? 'en' : 'ja'}`) }),
        keywords: 'language locale english japanese 言語 英語 日本語',
        icon: 'languages',
        run: () => void settings.toggleLocale(),
      },
      { id: 'shortcuts', group: 'app', label: t('palette.cmd.shortcuts'), keywords: 'keyboard shortcuts help キーボード ショートカット', icon: 'keyboard', shortcut: keys.join(keys.mod, '/'), run: actions.showShortcuts },
    )
    return list
  })
}
