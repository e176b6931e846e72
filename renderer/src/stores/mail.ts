import { defineStore } from 'pinia'
import { ref } from 'vue'
import type {
  AdminCreate,
  AdminPatch,
  AdminRow,
  AliasCreate,
  AliasDomainPatch,
  AliasDomainRow,
  AliasPatch,
  AliasRow,
  DeleteSummary,
  DomainCreate,
  DomainPatch,
  DomainRow,
  ImportProgress,
  ImportResult,
  ListQuery,
  MailboxCreate,
  MailboxPatch,
  MailboxRename,
  MailboxRow,
  MailSettingsView,
  QuotaUsage,
} from '../../../shared/domain/mail'
import { ApiError, call } from '../api/call'

export type MailTab = 'domains' | 'mailboxes' | 'aliases' | 'aliasDomains' | 'admins'

export interface PageState<T> {
  rows: T[]
  total: number
  search: string
  offset: number
  limit: number
  sort: string
  desc: boolean
  loading: boolean
  error: ApiError | null
}
const page = <T>(sort: string): PageState<T> => ({ rows: [], total: 0, search: '', offset: 0, limit: 25, sort, desc: false, loading: false, error: null })
const asApiError = (e: unknown) => (e instanceof ApiError ? e : new ApiError('internal', String(e), String(e)))
const queryOf = (p: PageState<unknown>): ListQuery => ({ search: p.search, offset: p.offset, limit: p.limit, sort: p.sort, desc: p.desc })

/** PostfixAdmin's data of the selected server: server-side pages, forms' settings, and the writes. */
export const useMailStore = defineStore('mail', () => {
  const server = ref<string | null>(null)
  const settings = ref<MailSettingsView | null>(null)
  const settingsError = ref<ApiError | null>(null)
  /** the domain the mailbox and alias lists show ('' = all) */
  const domain = ref('')
  const domains = ref(page<DomainRow>('domain'))
  const mailboxes = ref(page<MailboxRow>('username'))
  const aliases = ref(page<AliasRow>('address'))
  const aliasDomains = ref(page<AliasDomainRow>('aliasDomain'))
  const admins = ref(page<AdminRow>('username'))
  /** every domain name, for the forms' domain pickers */
  const domainNames = ref<string[]>([])

  function use(id: string): void {
    if (server.value === id) return
    server.value = id
    settings.value = null
    domain.value = ''
    domains.value = page('domain')
    mailboxes.value = page('username')
    aliases.value = page('address')
    aliasDomains.value = page('aliasDomain')
    admins.value = page('username')
    usage.value = {}
    domainNames.value = []
  }

  async function loadSettings(): Promise<void> {
    if (!server.value) return
    try {
      settings.value = await call(window.api.mail.settings({ server: server.value }))
      settingsError.value = null
    } catch (e) {
      settingsError.value = asApiError(e)
    }
  }

  async function loadPage<T>(p: { value: PageState<T> }, fetch: (q: ListQuery) => Promise<{ rows: T[]; total: number }>): Promise<void> {
    p.value = { ...p.value, loading: true, error: null }
    try {
      const r = await fetch(queryOf(p.value as PageState<unknown>))
      p.value = { ...p.value, rows: r.rows, total: r.total, loading: false }
    } catch (e) {
      p.value = { ...p.value, loading: false, error: asApiError(e) }
    }
  }

  const srv = (): string => {
    if (!server.value) throw new ApiError('not-connected', 'no server', 'no server')
    return server.value
  }
  const loadDomains = () => loadPage(domains, (query) => call(window.api.mail.listDomains({ server: srv(), query })))
  /** Dovecot's usage of the listed mailboxes (doveadm quota get), for servers without PostfixAdmin's quota2 */
  const usage = ref<Record<string, QuotaUsage>>({})
  async function loadMailboxes(): Promise<void> {
    await loadPage(mailboxes, (query) => call(window.api.mail.listMailboxes({ server: srv(), query, ...(domain.value ? { domain: domain.value } : {}) })))
    const names = mailboxes.value.rows.map((m) => m.username)
    if (!names.length) return
    try {
      usage.value = { ...usage.value, ...(await call(window.api.mail.mailboxUsage({ server: srv(), usernames: names }))) }
    } catch {
      // usage is extra: the list stands without it (e.g. no root access for doveadm)
    }
  }
  const loadAliases = () => loadPage(aliases, (query) => call(window.api.mail.listAliases({ server: srv(), query, ...(domain.value ? { domain: domain.value } : {}) })))
  const loadAliasDomains = () => loadPage(aliasDomains, (query) => call(window.api.mail.listAliasDomains({ server: srv(), query })))
  const loadAdmins = () => loadPage(admins, (query) => call(window.api.mail.listAdmins({ server: srv(), query })))
  async function loadDomainNames(): Promise<void> {
    const r = await call(window.api.mail.listDomains({ server: srv(), query: { search: '', offset: 0, limit: 1000, sort: 'domain', desc: false } }))
    domainNames.value = r.rows.map((d) => d.domain)
  }
  function load(tab: MailTab): Promise<void> {
    return tab === 'domains' ? loadDomains() : tab === 'mailboxes' ? loadMailboxes() : tab === 'aliases' ? loadAliases() : tab === 'admins' ? loadAdmins() : loadAliasDomains()
  }

  const createDomain = (d: DomainCreate) => call(window.api.mail.createDomain({ server: srv(), domain: d }))
  const editDomain = (name: string, patch: DomainPatch, version: string) => call(window.api.mail.editDomain({ server: srv(), domain: name, patch, version }))
  const previewDeleteDomain = (name: string): Promise<DeleteSummary> => call(window.api.mail.previewDeleteDomain({ server: srv(), domain: name }))
  const deleteDomain = (name: string, version: string, deleteMaildir = false) => call(window.api.mail.deleteDomain({ server: srv(), domain: name, version, deleteMaildir }))
  const createMailbox = (m: MailboxCreate) => call(window.api.mail.createMailbox({ server: srv(), mailbox: m }))
  const editMailbox = (username: string, patch: MailboxPatch, version: string) => call(window.api.mail.editMailbox({ server: srv(), username, patch, version }))
  const previewDeleteMailbox = (username: string): Promise<DeleteSummary> => call(window.api.mail.previewDeleteMailbox({ server: srv(), username }))
  const deleteMailbox = (username: string, version: string, deleteMaildir = false) => call(window.api.mail.deleteMailbox({ server: srv(), username, version, deleteMaildir }))
  const renameMailbox = (username: string, to: MailboxRename, version: string) => call(window.api.mail.renameMailbox({ server: srv(), username, to, version }))
  const createAlias = (a: AliasCreate) => call(window.api.mail.createAlias({ server: srv(), alias: a }))
  const editAlias = (address: string, patch: AliasPatch, version: string) => call(window.api.mail.editAlias({ server: srv(), address, patch, version }))
  const deleteAlias = (address: string, version: string) => call(window.api.mail.deleteAlias({ server: srv(), address, version }))
  const createAliasDomain = (aliasDomain: string, targetDomain: string) => call(window.api.mail.createAliasDomain({ server: srv(), aliasDomain: { aliasDomain, targetDomain } }))
  const deleteAliasDomain = (aliasDomain: string, version: string) => call(window.api.mail.deleteAliasDomain({ server: srv(), aliasDomain, version }))
  const editAliasDomain = (aliasDomain: string, patch: AliasDomainPatch, version: string) => call(window.api.mail.editAliasDomain({ server: srv(), aliasDomain, patch, version }))
  const createAdmin = (a: AdminCreate) => call(window.api.mail.createAdmin({ server: srv(), admin: a }))
  const editAdmin = (username: string, patch: AdminPatch, version: string) => call(window.api.mail.editAdmin({ server: srv(), username, patch, version }))
  const deleteAdmin = (username: string, version: string) => call(window.api.mail.deleteAdmin({ server: srv(), username, version }))

  // CSV import: a dry run first (verdict per row), then the write with progress events and cancel.
  /** the running import's progress (mail.importProgress of its call id), null when none runs */
  const importProgress = ref<ImportProgress | null>(null)
  let importCallId: string | null = null
  let unsubscribeImport: (() => void) | undefined
  async function importMailboxes(csv: string, dryRun: boolean): Promise<ImportResult> {
    unsubscribeImport ??= window.api.mail.onImportProgress((p) => {
      if (p.callId !== undefined && p.callId === importCallId) importProgress.value = p
    })
    const callId = `import-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
    importCallId = callId
    importProgress.value = { server: srv(), callId, phase: 'check', done: 0, total: 0 }
    try {
      return await call(window.api.mail.importMailboxes({ server: srv(), csv, dryRun, callId }))
    } finally {
      importCallId = null
      importProgress.value = null
    }
  }
  /** Cancels the running import (before its commit nothing of it is written). */
  async function cancelImport(): Promise<boolean> {
    if (!importCallId) return false
    return (await call(window.api.servers.cancel({ callId: importCallId }))).cancelled
  }
  const exportMailboxes = async (domainName?: string): Promise<string> => (await call(window.api.mail.exportMailboxes({ server: srv(), ...(domainName ? { domain: domainName } : {}) }))).csv

  return {
    server,
    settings,
    settingsError,
    domain,
    domains,
    mailboxes,
    aliases,
    aliasDomains,
    admins,
    usage,
    domainNames,
    use,
    loadSettings,
    load,
    loadDomainNames,
    createDomain,
    editDomain,
    previewDeleteDomain,
    deleteDomain,
    createMailbox,
    editMailbox,
    previewDeleteMailbox,
    deleteMailbox,
    createAlias,
    editAlias,
    deleteAlias,
    createAliasDomain,
    deleteAliasDomain,
    editAliasDomain,
    renameMailbox,
    createAdmin,
    editAdmin,
    deleteAdmin,
    importProgress,
    importMailboxes,
    cancelImport,
    exportMailboxes,
  }
})
