import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { ConnectionEvent, ConnectionState, ConnectionStatus, NewServer, SecretKind, ServerProfile } from '../../../shared/domain/server'
import { call, isApiError } from '../api/call'
import { t } from '../i18n'
import { useToastsStore } from './toasts'

/** A connection status plus when it arrived, so "reconnecting in N s" can count down locally. */
export interface TrackedStatus extends ConnectionStatus {
  receivedAt: number
}

/** What the host-key dialog shows: first contact (accept or not) or a changed key (refused). */
export interface HostKeyPrompt {
  kind: 'unknown' | 'mismatch'
  serverId: string
  serverName: string
  host: string
  port: number
  algorithm: string
  fingerprint: string
  knownFingerprint?: string
  serverMessage: string
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined)

export const useServersStore = defineStore('servers', () => {
  const profiles = ref<ServerProfile[]>([])
  const loaded = ref(false)
  const statuses = ref<Record<string, TrackedStatus>>({})
  /** Servers with a connect/disconnect call in flight. */
  const pending = ref<Record<string, 'connect' | 'disconnect'>>({})
  const hostKeyPrompt = ref<HostKeyPrompt | null>(null)
  /** The connection-events log per server, as last fetched (the main process keeps the real one). */
  const events = ref<Record<string, ConnectionEvent[]>>({})
  let unsubscribe: (() => void) | null = null
  const connectCalls = new Map<string, string>()

  const byId = (id: string | undefined): ServerProfile | undefined => profiles.value.find((p) => p.id === id)
  const stateOf = (id: string): ConnectionState => statuses.value[id]?.state ?? 'offline'
  const connectedCount = computed(() => profiles.value.filter((p) => stateOf(p.id) === 'connected').length)

  function track(status: ConnectionStatus): void {
    statuses.value = { ...statuses.value, [status.serverId]: { ...status, receivedAt: Date.now() } }
  }

  function subscribe(): void {
    unsubscribe ??= window.api.servers.onConnectionState((status) => {
      track(status)
      // A server whose log is on screen gets it refreshed with each state change.
      if (events.value[status.serverId]) void loadEvents(status.serverId)
    })
  }

  async function loadEvents(id: string): Promise<ConnectionEvent[]> {
    const list = await call(window.api.servers.connectionEvents({ id }))
    events.value = { ...events.value, [id]: list }
    return list
  }

  async function load(): Promise<void> {
    subscribe()
    try {
      profiles.value = await call(window.api.servers.list())
      const results = await Promise.allSettled(profiles.value.map((p) => call(window.api.servers.status({ id: p.id }))))
      // An event may have arrived meanwhile: it is newer than the status we asked for.
      for (const r of results) if (r.status === 'fulfilled' && !statuses.value[r.value.serverId]) track(r.value)
    } catch (e) {
      useToastsStore().error(e)
    } finally {
      loaded.value = true
    }
  }

  async function add(input: NewServer): Promise<ServerProfile> {
    const profile = await call(window.api.servers.add(input))
    profiles.value = [...profiles.value.filter((p) => p.id !== profile.id), profile]
    return profile
  }

  async function update(id: string, input: NewServer): Promise<ServerProfile> {
    const profile = await call(window.api.servers.update({ id, profile: input }))
    profiles.value = profiles.value.map((p) => (p.id === id ? profile : p))
    return profile
  }

  /** Which secrets are stored for a server (never their values) and how they are protected. */
  async function secrets(id: string): Promise<{ kinds: SecretKind[]; protection: string }> {
    return call(window.api.servers.secrets({ id }))
  }
  async function setSecret(id: string, kind: SecretKind, value: string): Promise<SecretKind[]> {
    return (await call(window.api.servers.setSecret({ id, kind, value }))).kinds
  }
  async function clearSecret(id: string, kind: SecretKind): Promise<SecretKind[]> {
    return (await call(window.api.servers.clearSecret({ id, kind }))).kinds
  }

  /** Imports hosts of an ssh config; the new profiles join the list. */
  async function importSshConfig(hosts: string[], file?: string) {
    const result = await call(window.api.servers.importSshConfig(file ? { hosts, file } : { hosts }))
    profiles.value = [...profiles.value, ...result.added.filter((a) => !profiles.value.some((p) => p.id === a.id))]
    return result
  }

  /** Drops the connection and opens a new one now (also skips the wait of a pending reconnect). */
  async function reconnect(id: string): Promise<void> {
    const profile = byId(id)
    if (!profile || pending.value[id]) return
    pending.value = { ...pending.value, [id]: 'connect' }
    try {
      track(await call(window.api.servers.reconnect({ id })))
    } catch (e) {
      useToastsStore().error(e)
    } finally {
      const { [id]: _done, ...rest } = pending.value
      pending.value = rest
    }
  }

  async function remove(id: string): Promise<void> {
    await call(window.api.servers.remove({ id }))
    profiles.value = profiles.value.filter((p) => p.id !== id)
    const { [id]: _gone, ...rest } = statuses.value
    statuses.value = rest
  }

  /**
   * Connects; on first contact the host-key dialog opens (accepting calls this again with the
   * fingerprint). Returns true once connected.
   */
  async function connect(id: string, acceptFingerprint?: string): Promise<boolean> {
    const profile = byId(id)
    if (!profile || pending.value[id]) return false
    pending.value = { ...pending.value, [id]: 'connect' }
    // Named so that the Cancel button can abort it in the main process (servers.cancel).
    const callId = `connect-${crypto.randomUUID()}`
    connectCalls.set(id, callId)
    try {
      const status = await call(window.api.servers.connect(acceptFingerprint ? { id, acceptFingerprint, callId } : { id, callId }))
      track(status)
      if (status.state === 'connected') useToastsStore().success(t('toast.connected', { name: profile.name }))
      return status.state === 'connected'
    } catch (e) {
      if (isApiError(e, 'host-key-unknown') || isApiError(e, 'host-key-mismatch')) {
        const d = e.detail
        const known = str(d['storedFingerprint']) ?? str(d['knownFingerprint'])
        hostKeyPrompt.value = {
          kind: e.code === 'host-key-unknown' ? 'unknown' : 'mismatch',
          serverId: id,
          serverName: profile.name,
          host: str(d['host']) ?? profile.host,
          port: typeof d['port'] === 'number' ? d['port'] : profile.port,
          algorithm: str(d['algorithm']) ?? '?',
          fingerprint: str(d['fingerprint']) ?? str(d['actual']) ?? '?',
          ...(known ? { knownFingerprint: known } : {}),
          serverMessage: e.serverMessage,
        }
      } else if (!isApiError(e, 'cancelled')) {
        useToastsStore().error(e)
      }
      return false
    } finally {
      connectCalls.delete(id)
      const { [id]: _done, ...rest } = pending.value
      pending.value = rest
    }
  }

  /** Stops a connect in progress (e.g. a server that does not answer); the state goes offline. */
  async function cancelConnect(id: string): Promise<void> {
    const callId = connectCalls.get(id)
    if (callId) await call(window.api.servers.cancel({ callId })).catch((e: unknown) => useToastsStore().error(e))
  }

  async function acceptHostKey(): Promise<boolean> {
    const prompt = hostKeyPrompt.value
    hostKeyPrompt.value = null
    if (!prompt || prompt.kind !== 'unknown') return false
    return connect(prompt.serverId, prompt.fingerprint)
  }
  function dismissHostKey(): void {
    hostKeyPrompt.value = null
  }

  async function disconnect(id: string): Promise<void> {
    const profile = byId(id)
    if (!profile || pending.value[id]) return
    pending.value = { ...pending.value, [id]: 'disconnect' }
    try {
      track(await call(window.api.servers.disconnect({ id })))
      useToastsStore().info(t('toast.disconnected', { name: profile.name }))
    } catch (e) {
      useToastsStore().error(e)
    } finally {
      const { [id]: _done, ...rest } = pending.value
      pending.value = rest
    }
  }

  /** After a deliberate key change: drop the stored key so the next connect asks again. */
  async function forgetHostKey(id: string): Promise<number> {
    const { removed } = await call(window.api.servers.forgetHostKey({ id }))
    return removed
  }

  return {
    profiles,
    loaded,
    statuses,
    pending,
    hostKeyPrompt,
    connectedCount,
    events,
    byId,
    stateOf,
    load,
    loadEvents,
    add,
    update,
    secrets,
    setSecret,
    clearSecret,
    importSshConfig,
    reconnect,
    remove,
    connect,
    cancelConnect,
    acceptHostKey,
    dismissHostKey,
    disconnect,
    forgetHostKey,
  }
})
