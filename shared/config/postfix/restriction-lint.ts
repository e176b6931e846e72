import type { DnsblZone } from '../catalog/dnsbl-zones'
import { closestMatch } from '../edit-distance'
import { findingAt, type Finding } from '../finding'
import { compareVersions, versionAtLeast } from '../version'
import { valueSpanToSource } from './main-cf-parser'
import { MAP_TYPES } from './map-references'
import type { ParameterSetting, PostfixModel } from './postfix-model'
import { judgeDnsblZone } from './dnsbl-lint'
import { FINAL_RESTRICTIONS, RELAY_GUARDS, RESTRICTION_PARAMETERS, RESTRICTIONS, ZONE_KINDS } from './restriction-names'
import { splitWords, type ValueWord } from './value-words'
import type { MasterEntry } from './master-cf-parser'

const RESTRICTION_NAMES = [...RESTRICTIONS.keys()]

const isTable = (w: string) => {
  const m = /^([a-z0-9_]+):/.exec(w)
  return !!m && MAP_TYPES.has(m[1] as string)
}

/** Checks every restriction list (smtpd_*_restrictions, restriction classes, and their -o overrides). */
export function lintRestrictionLists(model: PostfixModel, zones?: readonly DnsblZone[]): Finding[] {
  const out: Finding[] = []
  for (const s of [...model.mainSettings, ...model.overrides])
    if (RESTRICTION_PARAMETERS.includes(s.name) || model.restrictionClasses.has(s.name)) out.push(...lintList(model, s, zones))
  out.push(...lintRelayGuard(model))
  // postscreen_dnsbl_sites: zone[=filter][*weight] words, all client IP lists.
  for (const s of [...model.mainSettings, ...model.overrides].filter((x) => x.name === 'postscreen_dnsbl_sites'))
    for (const w of splitWords(s.value)) {
      const verdict = judgeDnsblZone(w.text, 'ip', 'postscreen_dnsbl_sites', zones)
      if (verdict) out.push(findingAt(s.where, valueSpanToSource(s, w.from, w.to), verdict))
    }
  return out
}

function lintList(model: PostfixModel, s: ParameterSetting, zones?: readonly DnsblZone[]): Finding[] {
  const out: Finding[] = []
  // A `$name` word stands for that parameter's restrictions (e.g. -o smtpd_client_restrictions=$mua_client_restrictions):
  // check what it expands to, reporting at the reference.
  const words: ValueWord[] = []
  for (const w of splitWords(s.value)) {
    if (!/^\$(\w+|\{\w+\}|\(\w+\))$/.test(w.text)) words.push(w)
    else for (const x of splitWords(model.expand(w.text, s.service))) words.push({ text: x.text, from: w.from, to: w.to })
  }
  const span = (w: ValueWord, end: ValueWord = w) => valueSpanToSource(s, w.from, end.to)
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as ValueWord
    const name = w.text.toLowerCase()
    if (isTable(w.text) || w.text.startsWith('{')) continue
    if (FINAL_RESTRICTIONS.has(name) && i < words.length - 1) {
      const rest = words.slice(i + 1)
      out.push(
        findingAt(s.where, span(rest[0] as ValueWord, rest[rest.length - 1] as ValueWord), {
          severity: 'warning',
          code: 'postfix.unreachable-restrictions',
          message: `"${w.text}" always decides, so ${rest.map((r) => r.text).join(', ')} after it in ${s.name} ${rest.length > 1 ? 'are' : 'is'} never evaluated`,
          hint: `Move "${w.text}" to the end of the list, or remove what follows it.`,
        }),
      )
      break
    }
    const kind = RESTRICTIONS.get(name)
    if (kind === undefined && !model.restrictionClasses.has(w.text)) {
      const suggestion = closestMatch(name, RESTRICTION_NAMES) ?? closestMatch(name, model.restrictionClasses)
      out.push(
        findingAt(s.where, span(w), {
          severity: 'error',
          code: 'postfix.unknown-restriction',
          message: `"${w.text}" in ${s.name} is not a Postfix restriction: the SMTP server answers every client with "451 4.3.5 Server configuration error"${suggestion ? `. Did you mean ${suggestion}?` : ''}`,
          hint: suggestion ? `Write ${suggestion}.` : 'Check the name in postconf(5), or declare it in smtpd_restriction_classes.',
        }),
      )
      continue
    }
    if (kind === undefined) continue

    const change = model.kb.changes.restrictions.find((c) => c.name === name)
    if (change && (!change.since || versionAtLeast(model.version, change.since)))
      out.push(
        findingAt(s.where, span(w), {
          severity: 'warning',
          code: 'postfix.deprecated-restriction',
          message: `${name} ${change.change === 'renamed' ? 'was renamed' : 'is deprecated'}${change.since ? ` in Postfix ${change.since}` : ''}${change.replacement ? `; use ${change.replacement}` : ''}${change.note ? ` (${change.note})` : ''}`,
          hint: change.fix ? `Write ${change.fix}.` : change.replacement ? `Replace ${name} with ${change.replacement}.` : undefined,
        }),
      )
    const since =
      model.kb.history.restrictions[name]?.since ?? model.kb.changes.restrictions.find((c) => c.replacement === name && c.change === 'renamed')?.since
    if (since && compareVersions(model.version, since) < 0) {
      const old = model.kb.changes.restrictions.find((c) => c.replacement === name)?.name
      out.push(
        findingAt(s.where, span(w), {
          severity: 'error',
          code: 'postfix.restriction-too-new',
          message: `${name} exists only since Postfix ${since}; this server runs ${model.version}, whose SMTP server answers "451 4.3.5 Server configuration error"`,
          hint: old ? `On this version write ${old}.` : 'Remove it, or check the server version.',
        }),
      )
    }

    if (kind === 'none') continue
    const arg = words[i + 1]
    const needs = { table: 'a lookup table (type:name)', endpoint: 'a policy server (inet:host:port or unix:path)', 'dnsbl-zone': 'a DNS blocklist zone', seconds: 'a number of seconds' }[kind]
    const argOk = arg && (kind === 'table' ? isTable(arg.text) || arg.text.startsWith('{') : !RESTRICTIONS.has(arg.text.toLowerCase()) && (kind !== 'seconds' || /^\d+$/.test(arg.text)))
    if (!argOk) {
      out.push(
        findingAt(s.where, span(w), {
          severity: 'error',
          code: 'postfix.restriction-missing-argument',
          message: `${name} needs ${needs} after it${arg ? `, not "${arg.text}"` : ''}: the SMTP server answers "451 4.3.5 Server configuration error"`,
          hint: kind === 'table' ? `Write ${name} hash:/etc/postfix/FILE.` : `Write ${name} followed by ${needs}.`,
        }),
      )
      continue
    }
    i++
    const expected = ZONE_KINDS[name]
    if (kind === 'dnsbl-zone' && expected && arg) {
      const verdict = judgeDnsblZone(arg.text, expected, name, zones)
      if (verdict) out.push(findingAt(s.where, span(arg), verdict))
    }
  }
  return out
}

/** Does a list contain a restriction that refuses unauthorised relaying, before any unconditional permit? */
function hasRelayGuard(model: PostfixModel, value: string, seen = new Set<string>()): boolean {
  const words = splitWords(value)
  for (let i = 0; i < words.length; i++) {
    const name = (words[i] as ValueWord).text.toLowerCase()
    if (name === 'permit') return false
    if (name === 'warn_if_reject') {
      i++
      continue
    }
    if (RELAY_GUARDS.has(name)) return true
    if (model.restrictionClasses.has(name) && !seen.has(name)) {
      seen.add(name)
      if (hasRelayGuard(model, model.effective(name) ?? '', seen)) return true
    }
    const kind = RESTRICTIONS.get(name)
    if (kind && kind !== 'none') i++
  }
  return false
}

/**
 * Postfix refuses to run smtpd (fatal: "specify at least one working instance of:
 * reject_unauth_destination, ...") unless smtpd_relay_restrictions or smtpd_recipient_restrictions
 * rejects mail to foreign domains; checked for every smtpd service with its -o overrides.
 */
function lintRelayGuard(model: PostfixModel): Finding[] {
  if (!model.mainFile) return []
  const out: Finding[] = []
  const hasRelayParam = versionAtLeast(model.version, '2.10')
  for (const service of model.smtpdServices()) {
    const relay = hasRelayParam ? relayRestrictions(model, service) : ''
    const recipient = recipientRestrictions(model, service)
    if (hasRelayGuard(model, relay) || hasRelayGuard(model, recipient)) continue
    const blame = model.setting('smtpd_recipient_restrictions', service) ?? model.setting('smtpd_relay_restrictions', service)
    const where = blame ?? model.mainSettings[0]
    if (!where) continue
    const span = blame ? blame.valueSpan : where.nameSpan
    out.push(
      findingAt(blame?.where ?? model.mainFile.where, span, {
        severity: 'error',
        code: 'postfix.relay-guard-missing',
        message: `${service ? `Service ${service.key}: ` : ''}neither smtpd_relay_restrictions${hasRelayParam ? ` ("${relay}")` : ''} nor smtpd_recipient_restrictions ("${recipient}") contains reject_unauth_destination (or defer_unauth_destination, reject, defer) before an unconditional permit: smtpd refuses to start, and without it the server would be an open relay`,
        hint: 'End smtpd_recipient_restrictions (or smtpd_relay_restrictions) with reject_unauth_destination, e.g. permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination.',
      }),
    )
  }
  return out
}

function relayRestrictions(model: PostfixModel, service?: MasterEntry): string {
  const explicit = model.setting('smtpd_relay_restrictions', service)
  if (explicit) return model.expand(explicit.value, service)
  const compat = parseFloat(model.compatibilityLevel) || 0
  return compat >= 1 ? 'permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination' : ''
}

function recipientRestrictions(model: PostfixModel, service?: MasterEntry): string {
  const explicit = model.setting('smtpd_recipient_restrictions', service)
  if (explicit) return model.expand(explicit.value, service)
  return versionAtLeast(model.version, '2.10') ? '' : 'permit_mynetworks, reject_unauth_destination'
}
