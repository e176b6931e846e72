import { findingAt, relatedAt, type Finding } from '../finding'
import { evaluateTlsProtocols, insecureAllowed } from '../tls-protocols'
import { valueSpanToSource } from './main-cf-parser'
import type { MasterEntry } from './master-cf-parser'
import type { PostfixModel } from './postfix-model'

/** `*_tls_protocols` / `*_tls_mandatory_protocols` that leave SSLv2 or SSLv3 enabled, or name no protocol. */
export function lintTlsProtocols(model: PostfixModel): Finding[] {
  const out: Finding[] = []
  for (const s of [...model.mainSettings, ...model.overrides]) {
    if (!/_tls_(mandatory_)?protocols$/.test(s.name) || !s.value.trim()) continue
    const verdict = evaluateTlsProtocols(s.value)
    for (const u of verdict.unknown)
      out.push(
        findingAt(s.where, valueSpanToSource(s, u.from, u.to), {
          severity: 'warning',
          code: 'postfix.unknown-tls-protocol',
          message: `"${u.word}" is not a TLS protocol name (SSLv2, SSLv3, TLSv1, TLSv1.1, TLSv1.2, TLSv1.3)`,
          hint: 'Write e.g. >=TLSv1.2, or the legacy form !SSLv2, !SSLv3.',
        }),
      )
    const weak = insecureAllowed(verdict.allowed)
    if (weak.length)
      out.push(
        findingAt(s.where, s.valueSpan, {
          severity: 'warning',
          code: 'postfix.insecure-tls-protocols',
          message: `${s.name} leaves ${weak.join(' and ')} enabled (broken: POODLE, DROWN) whenever OpenSSL still offers ${weak.length > 1 ? 'them' : 'it'}`,
          hint: `Write ${s.name} = >=TLSv1.2 (Postfix 3.6 and later) or !SSLv2, !SSLv3, !TLSv1, !TLSv1.1.`,
        }),
      )
  }
  return out
}

/** Two entries with the same service name and type: for inet both bind the same port. */
export function lintDuplicateServices(model: PostfixModel): Finding[] {
  const out: Finding[] = []
  const master = model.masterFile
  if (!master) return out
  const first = new Map<string, MasterEntry>()
  for (const e of model.services) {
    const prev = first.get(e.key)
    if (!prev) {
      first.set(e.key, e)
      continue
    }
    out.push(
      findingAt(master.where, (e.fields[0] ?? e).span, {
        severity: e.type === 'inet' ? 'error' : 'warning',
        code: 'postfix.duplicate-service',
        message:
          e.type === 'inet'
            ? `Service ${e.key} is defined again (first on line ${prev.line}): both listen on the same address and port, so master fails to start the second ("Address already in use")`
            : `Service ${e.key} is defined again (first on line ${prev.line}): Postfix uses only one of them`,
        hint: 'Merge the two entries into one.',
        related: [relatedAt(master.where, prev.span.from, `first ${e.key}`)],
      }),
    )
  }
  return out
}

/** `-o` names valid in any service, checked in lintParameters; here: overrides on services that cannot use them. */
export function lintOverrideTargets(model: PostfixModel): Finding[] {
  const out: Finding[] = []
  const master = model.masterFile
  if (!master) return out
  for (const s of model.overrides) {
    const cmd = s.service?.command
    if (!cmd) continue
    if (/^smtpd_/.test(s.name) && !['smtpd', 'postscreen', 'tlsproxy'].includes(cmd))
      out.push(
        findingAt(master.where, s.nameSpan, {
          severity: 'info',
          code: 'postfix.override-not-used',
          message: `${s.name} configures the SMTP server, but service ${s.service?.key} runs ${cmd}: the override has no effect`,
          hint: `Move it to an smtpd service, or remove it.`,
        }),
      )
  }
  return out
}
