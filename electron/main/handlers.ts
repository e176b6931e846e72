import { onlyLogSourceChanged } from '../services/profiles/profile-changes'
import { removeServer } from '../services/profiles/remove-server'
import type { Services } from '../services/types'
import type { Handlers } from './ipc'

/** Channel -> service. The compiler checks that every channel of the contract has exactly one typed handler. */
export function createHandlers(s: Services, openExternal: (url: string) => Promise<boolean>): Handlers {
  return {
    'app.info': () => s.info,
    'app.getSettings': () => s.settings.get(),
    'app.setSettings': (i) => s.settings.set(i),
    'app.openExternal': async (i) => ({ opened: await openExternal(i.url) }),

    'servers.list': () => s.profiles.list(),
    'servers.add': (i) => s.profiles.add(i),
    'servers.update': async (i) => {
      const before = await s.profiles.get(i.id).catch(() => undefined)
      const p = await s.profiles.update(i.id, i.profile)
      // a changed DB override applies to the next database use; a new log source alone changes nothing there
      if (!before || !onlyLogSourceChanged(before, p)) s.db.forget(p.id)
      return p
    },
    'servers.remove': async (i) => ({ removed: (await removeServer(s, i.id)).removed }),
    'servers.connect': (i) => s.calls.run(i.callId, (signal) => s.connections.connect(i.id, { ...(i.acceptFingerprint ? { acceptFingerprint: i.acceptFingerprint } : {}), ...(signal ? { signal } : {}) })),
    'servers.reconnect': (i) => s.connections.reconnect(i.id),
    'servers.connectionEvents': (i) => s.connections.events(i.id),
    'servers.cancel': (i) => ({ cancelled: s.calls.cancel(i.callId) }),
    'servers.setSecret': async (i) => {
      const p = await s.profiles.get(i.id)
      await s.secrets.set(p.id, i.kind, i.value)
      if (i.kind === 'db') s.db.forget(p.id)
      return { kinds: await s.secrets.kinds(p.id) }
    },
    'servers.clearSecret': async (i) => {
      const p = await s.profiles.get(i.id)
      await s.secrets.delete(p.id, i.kind)
      if (i.kind === 'db') s.db.forget(p.id)
      return { kinds: await s.secrets.kinds(p.id) }
    },
    'servers.secrets': async (i) => ({ kinds: await s.secrets.kinds((await s.profiles.get(i.id)).id), protection: s.secrets.protection }),
    'servers.sshConfigHosts': async (i) => ({ file: i.file ?? s.sshConfig.defaultPath, hosts: await s.sshConfig.candidates(i.file) }),
    'servers.importSshConfig': (i) => s.sshConfig.import(i.file, i.hosts),
    'servers.disconnect': (i) => s.connections.disconnect(i.id),
    'servers.status': (i) => s.connections.status(i.id),
    'servers.forgetHostKey': (i) => s.connections.forgetHostKey(i.id),
    'servers.facts': (i) => s.calls.run(i.callId, (signal) => s.facts.get(i.id, { refresh: i.refresh, ...(signal ? { signal } : {}) })),

    'db.check': (i) => s.db.check(i.id, { rediscover: i.rediscover }),

    'mail.settings': (i) => s.mail.settings(i.server, { refresh: i.refresh }),
    'mail.listDomains': (i) => s.mail.listDomains(i.server, i.query),
    'mail.getDomain': (i) => s.mail.getDomain(i.server, i.domain),
    'mail.createDomain': (i) => s.mail.createDomain(i.server, i.domain),
    'mail.editDomain': (i) => s.mail.editDomain(i.server, i.domain, i.patch, i.version),
    'mail.previewDeleteDomain': (i) => s.mail.previewDeleteDomain(i.server, i.domain),
    'mail.deleteDomain': (i) => s.mail.deleteDomain(i.server, i.domain, i.version, { deleteMaildir: i.deleteMaildir }),
    'mail.listMailboxes': (i) => s.mail.listMailboxes(i.server, i.domain, i.query),
    'mail.getMailbox': (i) => s.mail.getMailbox(i.server, i.username),
    'mail.mailboxUsage': (i) => s.mail.mailboxUsage(i.server, i.usernames),
    'mail.createMailbox': (i) => s.mail.createMailbox(i.server, i.mailbox),
    'mail.editMailbox': (i) => s.mail.editMailbox(i.server, i.username, i.patch, i.version),
    'mail.previewDeleteMailbox': (i) => s.mail.previewDeleteMailbox(i.server, i.username),
    'mail.deleteMailbox': (i) => s.mail.deleteMailbox(i.server, i.username, i.version, { deleteMaildir: i.deleteMaildir }),
    'mail.renameMailbox': (i) => s.mail.renameMailbox(i.server, i.username, i.to, i.version, { moveMaildir: i.moveMaildir }),
    'mail.listAliases': (i) => s.mail.listAliases(i.server, i.domain, i.query, i.includeMailboxes),
    'mail.createAlias': (i) => s.mail.createAlias(i.server, i.alias),
    'mail.editAlias': (i) => s.mail.editAlias(i.server, i.address, i.patch, i.version),
    'mail.deleteAlias': (i) => s.mail.deleteAlias(i.server, i.address, i.version),
    'mail.listAliasDomains': (i) => s.mail.listAliasDomains(i.server, i.query),
    'mail.createAliasDomain': (i) => s.mail.createAliasDomain(i.server, i.aliasDomain),
    'mail.editAliasDomain': (i) => s.mail.editAliasDomain(i.server, i.aliasDomain, i.patch, i.version),
    'mail.deleteAliasDomain': (i) => s.mail.deleteAliasDomain(i.server, i.aliasDomain, i.version),
    'mail.importMailboxes': (i) => s.calls.run(i.callId, (signal) => s.mail.importMailboxes(i.server, i.csv, { dryRun: i.dryRun, ...(signal ? { signal } : {}), ...(i.callId ? { callId: i.callId } : {}) })),
    'mail.exportMailboxes': async (i) => ({ csv: await s.mail.exportMailboxes(i.server, i.domain) }),
    'mail.listAdmins': (i) => s.mail.listAdmins(i.server, i.query),
    'mail.createAdmin': (i) => s.mail.createAdmin(i.server, i.admin),
    'mail.editAdmin': (i) => s.mail.editAdmin(i.server, i.username, i.patch, i.version),
    'mail.deleteAdmin': (i) => s.mail.deleteAdmin(i.server, i.username, i.version),

    'firewall.get': (i) => s.firewall.get(i.id),
    'firewall.save': (i) => s.firewall.save(i.id, i.allowlist),
    'firewall.status': (i) => s.firewall.status(i.id, { useUrl: i.useUrl }),
    'firewall.preview': async (i) => s.firewall.preview(i.id, i.allowlist ? { ...i.allowlist, server: i.id } : undefined),
    'firewall.apply': (i) => s.firewall.apply(i.id, i.allowlist ? { ...i.allowlist, server: i.id } : undefined, applyOptions(i)),
    'firewall.refresh': (i) => s.firewall.refresh(i.id, { ...applyOptions(i), ...(i.entry ? { entry: i.entry } : {}), ...(i.address ? { address: i.address } : {}) }),
    'firewall.block': (i) => s.firewall.block(i.id, i.address, { ...applyOptions(i), ...(i.reason ? { reason: i.reason } : {}) }),
    'firewall.history': (i) => s.firewall.history(i.id),

    'services.list': (i) => s.systemServices.overview(i.id),
    'services.act': (i) => s.systemServices.act(i.id, i.service, i.action),
    'services.undo': (i) => s.systemServices.undo(i.id, i.offerId),
    'queue.list': (i) => s.queue.list(i.id),
    'queue.show': (i) => s.queue.show(i.id, i.queueId),
    'queue.act': (i) => s.queue.act(i.id, i.action, i.target),
    'dashboard.get': (i) => s.dashboard.get(i.id),
    'dashboard.certificate': (i) => s.dashboard.certificate(i.id, i.usedBy, i.path),

    'config.status': (i) => s.configs.status(i.id),
    'config.pull': (i) => s.configs.pull(i.id),
    'config.read': (i) => s.configs.read(i.id, i.path),
    'config.save': (i) => s.configs.save(i.id, i.path, i.text),
    'config.revert': (i) => s.configs.revert(i.id, i.path),
    'config.catalogues': (i) => s.configs.catalogues(i.id),
    'config.compare': (i) => s.configs.compare(i.id),
    'config.push': (i) => s.configs.push(i.id, { validateOnly: i.validateOnly, ...(i.message !== undefined ? { message: i.message } : {}), ...(i.kind ? { kind: i.kind } : {}) }),
    'config.history': (i) => s.configs.history(i.id),
    'config.snapshotFile': async (i) => ({ text: await s.configs.snapshotFile(i.id, i.snapshot, i.path) }),
    'config.restore': (i) => s.configs.restore(i.id, i.snapshot),
    'config.serverChecks': (i) => s.configs.serverChecks(i.id),

    'journal.list': (i) => s.journal.list(i),
    'journal.export': (i) => s.journal.export(i.format, i.server ? { server: i.server } : {}),

    'logs.follow': async (i) => {
      const h = await s.logs.follow(i.id, { lines: i.lines, choice: i.source, ...(i.path ? { path: i.path } : {}) })
      return { followId: h.followId, source: h.source }
    },
    'logs.stop': async (i) => ({ stopped: await s.logs.stop(i.followId) }),
    'logs.search': (i) =>
      s.logs.searchForRenderer(i.id, i.searchId, {
        text: i.text,
        maxLines: i.maxLines,
        choice: i.source,
        ...(i.path ? { path: i.path } : {}),
        ...(i.since !== undefined ? { since: i.since } : {}),
        ...(i.until !== undefined ? { until: i.until } : {}),
      }),
    'logs.cancelSearch': (i) => ({ cancelled: s.logs.cancelSearch(i.searchId) }),
    'logs.summary': (i) => s.logs.summaryForRenderer(i.id, i.summaryId, { choice: i.source, ...(i.path ? { path: i.path } : {}) }),
    'logs.cancelSummary': (i) => ({ cancelled: s.logs.cancelSummary(i.summaryId) }),
    'logs.inject': (i) => ({ injected: s.logs.inject(i.followId, i.count, i.lines) }),
  }
}

function applyOptions(i: { acceptForeignRemoval?: boolean | undefined; confirmTimeoutSec?: number | undefined }): { acceptForeignRemoval?: boolean; confirmTimeoutSec?: number } {
  return { ...(i.acceptForeignRemoval !== undefined ? { acceptForeignRemoval: i.acceptForeignRemoval } : {}), ...(i.confirmTimeoutSec !== undefined ? { confirmTimeoutSec: i.confirmTimeoutSec } : {}) }
}
