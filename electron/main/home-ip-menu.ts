import type { MenuItemConstructorOptions } from 'electron'
import type { Locale } from '../../shared/domain/settings'
import { homeEntryOf } from '../../shared/firewall/allowlist-model'
import { contract, type Payload } from '../../shared/contract/index'
import { toErrorShape } from '../../shared/errors'
import type { Services } from '../services/types'
import type { Handlers } from './ipc'

// The tray/menu entry of the one-click home-IP refresh. The templates are pure functions (tested
// without Electron); a click goes through the same handler as the renderer's `firewall.refresh` and
// the outcome reaches the renderer as the `firewall.refreshed` event (a toast there).

/** Electron's menu item options (re-exported for tests, which may not import electron). */
export type MenuItem = MenuItemConstructorOptions

/** A server whose allowlist has a home entry: what the menu offers to refresh. */
export interface HomeIpTarget {
  id: string
  name: string
  entry: string
}

export interface HomeIpMenuActions {
  refresh(id: string): void
  show(): void
  quit(): void
}

const LABELS = {
  en: { refresh: 'Refresh home IP: {name}', none: 'No server has a home entry yet', busy: 'Refreshing home IP: {name}…', firewall: 'Firewall', open: 'Open Postdesk', quit: 'Quit Postdesk' },
  ja: { refresh: '自宅 IP を更新: {name}', none: '自宅エントリのあるサーバーはまだありません', busy: '自宅 IP を更新中: {name}…', firewall: 'ファイアウォール', open: 'Postdesk を開く', quit: 'Postdesk を終了' },
} satisfies Record<Locale, Record<string, string>>

const label = (locale: Locale, key: keyof (typeof LABELS)['en'], name = '') => LABELS[locale][key].replace('{name}', name)

/** One item per server with a home entry (disabled while its refresh runs), or one disabled line saying there is none. */
export function homeIpMenuItems(targets: HomeIpTarget[], actions: HomeIpMenuActions, locale: Locale, busy: ReadonlySet<string> = new Set()): MenuItemConstructorOptions[] {
  if (!targets.length) return [{ id: 'home-ip-none', label: label(locale, 'none'), enabled: false }]
  return targets.map((t) => ({
    id: `home-ip-refresh-${t.id}`,
    label: busy.has(t.id) ? label(locale, 'busy', t.name) : label(locale, 'refresh', t.name),
    enabled: !busy.has(t.id),
    click: () => actions.refresh(t.id),
  }))
}

/** The tray's context menu: the refresh entries, then open and quit. */
export function trayMenuTemplate(targets: HomeIpTarget[], actions: HomeIpMenuActions, locale: Locale, busy?: ReadonlySet<string>): MenuItemConstructorOptions[] {
  return [
    ...homeIpMenuItems(targets, actions, locale, busy),
    { type: 'separator' },
    { id: 'open', label: label(locale, 'open'), click: () => actions.show() },
    { id: 'quit', label: label(locale, 'quit'), click: () => actions.quit() },
  ]
}

/** The application menu: the platform's standard menus (edit keeps copy/paste working) and a Firewall menu with the refresh entries. */
export function appMenuTemplate(targets: HomeIpTarget[], actions: HomeIpMenuActions, locale: Locale, platform: NodeJS.Platform, busy?: ReadonlySet<string>): MenuItemConstructorOptions[] {
  return [
    ...(platform === 'darwin' ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { id: 'firewall', label: label(locale, 'firewall'), submenu: homeIpMenuItems(targets, actions, locale, busy) },
    { role: 'windowMenu' },
  ]
}

/** The servers with a home entry, in the order of the server list. */
export async function homeIpTargets(s: Pick<Services, 'profiles' | 'firewall'>): Promise<HomeIpTarget[]> {
  const out: HomeIpTarget[] = []
  for (const p of await s.profiles.list()) {
    const e = await s.firewall.get(p.id).then(homeEntryOf, () => undefined)
    if (e) out.push({ id: p.id, name: p.name, entry: e.name })
  }
  return out
}

export type RefreshedPayload = Payload<'firewall.refreshed'>

/**
 * The menu's click: connect if needed, then the `firewall.refresh` handler (the renderer's own path),
 * and the outcome as `firewall.refreshed`. Never throws.
 */
export async function refreshFromMenu(
  deps: { connect(id: string): Promise<unknown>; handlers: Pick<Handlers, 'firewall.refresh'>; emit(name: 'firewall.refreshed', payload: RefreshedPayload): void },
  target: Pick<HomeIpTarget, 'id' | 'name'>,
): Promise<RefreshedPayload> {
  let payload: RefreshedPayload
  try {
    await deps.connect(target.id)
    // Parsed by the contract's own schema, as registerIpc does for the renderer's call.
    const input = contract['firewall.refresh'].input.parse({ id: target.id })
    const r = await deps.handlers['firewall.refresh'](input, { channel: 'firewall.refresh', senderUrl: 'postdesk:menu' })
    payload = { server: target.id, name: target.name, source: 'menu', outcome: r.outcome, message: r.message, notes: r.notes, ...(r.confirmedFrom ? { confirmedFrom: r.confirmedFrom } : {}) }
  } catch (e) {
    const err = toErrorShape(e)
    const reason = typeof err.detail?.['reason'] === 'string' ? err.detail['reason'] : undefined
    payload = { server: target.id, name: target.name, source: 'menu', outcome: 'error', message: err.message, code: err.code, notes: reason ? [{ code: reason, params: paramsOf(err.detail) }] : [] }
  }
  deps.emit('firewall.refreshed', payload)
  return payload
}

/** An error's detail as note parameters (its strings and numbers). */
function paramsOf(detail: Record<string, unknown> | undefined): Record<string, string | number> {
  const out: Record<string, string | number> = {}
  for (const [k, v] of Object.entries(detail ?? {})) if (typeof v === 'string' || typeof v === 'number') out[k] = v
  return out
}
