import { findingAt, relatedAt, type Finding, type RelatedLocation } from '../finding'
import { normalizePath } from '../glob-match'
import type { MasterEntry } from '../postfix/master-cf-parser'
import type { ParameterSetting, PostfixModel } from '../postfix/postfix-model'
import type { CrossContext } from './cross-context'
import type { DovecotListener, DovecotView } from './dovecot-view'

/** Where a Postfix client connects: a UNIX socket path or a TCP port. */
type Endpoint = { kind: 'unix'; path: string } | { kind: 'inet'; host: string; port: number }

/** Resolves smtpd_sasl_path / lmtp:... style endpoints; relative UNIX paths are under queue_directory. */
function postfixEndpoint(model: PostfixModel, text: string, service?: MasterEntry): Endpoint | undefined {
  const queue = model.expand(model.effective('queue_directory', service) ?? '/var/spool/postfix', service)
  const t = text.trim()
  const inet = /^inet:(\[[^\]]+\]|[^:]+):(\d+)$/.exec(t) ?? /^(\[[^\]]+\]|[^:/]+):(\d+)$/.exec(t)
  if (inet) return { kind: 'inet', host: (inet[1] as string).replace(/^\[|\]$/g, ''), port: Number(inet[2]) }
  const unix = /^(?:unix:)?(.+)$/.exec(t)
  if (!unix || /^[a-z]+:/.test(unix[1] as string)) return undefined
  const path = unix[1] as string
  return { kind: 'unix', path: normalizePath(path.startsWith('/') ? path : `${queue}/${path}`) }
}

/** Dovecot's UNIX listener path: relative names live in base_dir. */
function listenerPath(dovecot: DovecotView, l: DovecotListener): string {
  const base = dovecot.value('base_dir') ?? '/run/dovecot'
  return normalizePath(l.name.startsWith('/') ? l.name : `${base}/${l.name}`)
}

const sameUnixPath = (a: string, b: string) => a === b || a.replace(/^\/var\/run\//, '/run/') === b.replace(/^\/var\/run\//, '/run/')

function matchListener(dovecot: DovecotView, service: string, ep: Endpoint): DovecotListener | undefined {
  return dovecot.listeners(service).find((l) =>
    ep.kind === 'unix' ? l.kind === 'unix_listener' && sameUnixPath(listenerPath(dovecot, l), ep.path) : l.kind === 'inet_listener' && Number(l.setting('port')?.value) === ep.port,
  )
}

function describeListeners(dovecot: DovecotView, service: string): string {
  const ls = dovecot.listeners(service)
  if (!ls.length) return `no service ${service} { } listeners are configured (only the built-in defaults in base_dir)`
  return ls.map((l) => (l.kind === 'inet_listener' ? `inet port ${l.setting('port')?.value ?? '?'}` : listenerPath(dovecot, l))).join(', ')
}

/** Can the Postfix mail_owner (postfix) read and write a Dovecot UNIX socket with this owner and mode? */
function postfixCanConnect(l: DovecotListener, postfixUser: string): { ok: boolean; why: string } {
  const mode = parseInt(l.setting('mode')?.value ?? '0600', 8)
  const user = l.setting('user')?.value ?? ''
  const group = l.setting('group')?.value ?? ''
  const rw = (bits: number) => (bits & 6) === 6
  if (rw(mode & 7)) return { ok: true, why: '' }
  if (user === postfixUser && rw((mode >> 6) & 7)) return { ok: true, why: '' }
  if (group === postfixUser && rw((mode >> 3) & 7)) return { ok: true, why: '' }
  return { ok: false, why: `mode ${(mode & 0o777).toString(8).padStart(4, '0')}, user ${user || '(default)'}, group ${group || '(default)'}` }
}

function relatedListener(ctx: CrossContext, l: DovecotListener, text: string): RelatedLocation[] {
  const where = ctx.located(l.section.file)
  return where ? [relatedAt(where, l.section.typeSpan.from, text)] : []
}

/**
 * Postfix hands SASL authentication to Dovecot through smtpd_sasl_path, and delivers through LMTP via
 * virtual_transport / mailbox_transport: each must name a socket Dovecot really listens on, with
 * permissions the postfix user can use. A mismatch fails silently until a client tries.
 */
export function checkPostfixDovecotSockets(ctx: CrossContext): Finding[] {
  const { postfix: model, dovecot } = ctx
  if (!model?.mainFile || !dovecot) return []
  const out: Finding[] = []
  const postfixUser = model.effective('mail_owner') ?? 'postfix'

  // SASL: every smtpd service that enables Dovecot SASL.
  const checked = new Set<string>()
  for (const service of model.smtpdServices()) {
    if (!/^yes$/i.test(model.effective('smtpd_sasl_auth_enable', service) ?? '')) continue
    if ((model.effective('smtpd_sasl_type', service) ?? '') !== 'dovecot') continue
    const setting = model.setting('smtpd_sasl_path', service)
    const raw = model.expand(model.effective('smtpd_sasl_path', service) ?? 'smtpd', service)
    const ep = postfixEndpoint(model, raw, service)
    if (!ep || checked.has(JSON.stringify(ep))) continue
    checked.add(JSON.stringify(ep))
    const blame: ParameterSetting | undefined = setting ?? model.setting('smtpd_sasl_type', service)
    if (!blame) continue
    const l = matchListener(dovecot, 'auth', ep)
    const target = ep.kind === 'unix' ? ep.path : `port ${ep.port}`
    if (!l) {
      out.push(
        findingAt(blame.where, setting ? setting.valueSpan : blame.nameSpan, {
          severity: 'error',
          code: 'cross.sasl-socket-mismatch',
          message: `Postfix asks Dovecot for SASL authentication at ${target} (smtpd_sasl_path = ${raw}), but Dovecot's auth service listens on: ${describeListeners(dovecot, 'auth')}. SMTP AUTH fails ("SASL: Connect to ${raw} failed")`,
          hint: `Add to Dovecot: service auth { unix_listener ${ep.kind === 'unix' ? ep.path : 'auth-client'} { mode = 0660  user = postfix  group = postfix } }, or point smtpd_sasl_path at the existing listener.`,
        }),
      )
      continue
    }
    if (l.kind === 'unix_listener') {
      const perm = postfixCanConnect(l, postfixUser)
      if (!perm.ok)
        out.push(
          findingAt(blame.where, setting ? setting.valueSpan : blame.nameSpan, {
            severity: 'warning',
            code: 'cross.sasl-socket-permissions',
            message: `Dovecot's auth socket ${target} has ${perm.why}: the ${postfixUser} user cannot connect to it, so SMTP AUTH fails with "Permission denied"`,
            hint: `In that unix_listener set mode = 0660, user = ${postfixUser}, group = ${postfixUser}.`,
            related: relatedListener(ctx, l, 'the listener'),
          }),
        )
    }
  }

  // LMTP delivery.
  for (const name of ['virtual_transport', 'mailbox_transport']) {
    const setting = model.main.get(name)
    if (!setting) continue
    const value = model.expand(setting.value)
    const m = /^lmtp:(.+)$/.exec(value.trim())
    if (!m) continue
    const ep = postfixEndpoint(model, m[1] as string)
    if (!ep) continue
    const target = ep.kind === 'unix' ? ep.path : `${ep.host} port ${ep.port}`
    const l = matchListener(dovecot, 'lmtp', ep)
    if (!l) {
      out.push(
        findingAt(setting.where, setting.valueSpan, {
          severity: 'error',
          code: 'cross.lmtp-socket-mismatch',
          message: `${name} delivers by LMTP to ${target}, but Dovecot's lmtp service listens on: ${describeListeners(dovecot, 'lmtp')}. Mail stays in the queue ("connect to ${m[1]}: No such file or directory")`,
          hint: `Add to Dovecot: service lmtp { unix_listener ${ep.kind === 'unix' ? ep.path : 'lmtp'} { mode = 0600  user = postfix  group = postfix } }, or point ${name} at the existing listener.`,
        }),
      )
      continue
    }
    const protocols = dovecot.protocols()
    if (protocols && !protocols.includes('lmtp')) {
      const p = dovecot.setting('protocols')
      out.push(
        findingAt(setting.where, setting.valueSpan, {
          severity: 'error',
          code: 'cross.lmtp-protocol-disabled',
          message: `${name} delivers to Dovecot's LMTP listener, but Dovecot's protocols ("${protocols.join(' ')}") do not include lmtp, so the listener is not started`,
          hint: 'Add lmtp to protocols in dovecot.conf.',
          related: p && ctx.located(p.file) ? [relatedAt(ctx.located(p.file)!, p.keySpan.from, 'protocols')] : undefined,
        }),
      )
    }
    if (l.kind === 'unix_listener') {
      const perm = postfixCanConnect(l, postfixUser)
      if (!perm.ok)
        out.push(
          findingAt(setting.where, setting.valueSpan, {
            severity: 'warning',
            code: 'cross.lmtp-socket-permissions',
            message: `Dovecot's LMTP socket ${target} has ${perm.why}: the ${postfixUser} user cannot connect, so deliveries are deferred with "Permission denied"`,
            hint: `In that unix_listener set mode = 0600, user = ${postfixUser}, group = ${postfixUser}.`,
            related: relatedListener(ctx, l, 'the listener'),
          }),
        )
    }
  }
  return out
}
