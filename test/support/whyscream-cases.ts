// whyscream/postfix-grok-patterns test cases (test/*.yaml): a postfix message without syslog header
// (`data`) and the fields its grok pattern must extract (`results`). A small reader for the YAML
// subset those files use (scalars, one nested map, comments), failing loudly on anything else.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { MessageResult } from '../../shared/logs/postfix-reject'
import { FIXTURE_ROOT, fixtureFiles } from './maillog-fixtures'

export interface WhyscreamCase {
  file: string
  pattern: string
  data: string
  results: Record<string, string>
}

function scalar(raw: string, where: string): string {
  const v = raw.trim()
  if (v.startsWith('"')) {
    try {
      return JSON.parse(v) as string
    } catch {
      throw new Error(`${where}: unsupported double-quoted scalar ${v}`)
    }
  }
  if (v.startsWith("'")) {
    if (!v.endsWith("'")) throw new Error(`${where}: unsupported single-quoted scalar ${v}`)
    return v.slice(1, -1).replaceAll("''", "'")
  }
  if (v.startsWith('{') || v.startsWith('[') || v.startsWith('|') || v.startsWith('>')) throw new Error(`${where}: unsupported YAML ${v}`)
  return v
}

export function readWhyscreamCase(rel: string): WhyscreamCase {
  const text = readFileSync(join(FIXTURE_ROOT, rel), 'utf8')
  const top: Record<string, string> = {}
  const results: Record<string, string> = {}
  let inResults = false
  for (const [i, line] of text.split('\n').entries()) {
    const where = `${rel}:${i + 1}`
    if (line.trim() === '' || line.trim().startsWith('#')) continue
    const indented = /^\s/.test(line)
    const m = /^\s*([\w.-]+):(.*)$/.exec(line)
    if (!m) throw new Error(`${where}: unsupported YAML line ${line}`)
    const [, key, rest] = m as unknown as [string, string, string]
    if (!indented) {
      inResults = key === 'results'
      if (!inResults) top[key] = scalar(rest, where)
    } else if (inResults) results[key] = scalar(rest, where)
    else throw new Error(`${where}: unexpected indentation`)
  }
  const pattern = /%\{(\w+)\}/.exec(top.pattern ?? '')?.[1]
  if (!pattern || top.data === undefined) throw new Error(`${rel}: no pattern or data`)
  return { file: rel, pattern, data: top.data, results }
}

export function whyscreamCases(): WhyscreamCase[] {
  return fixtureFiles().filter((f) => f.startsWith('whyscream__postfix-grok-patterns/test/') && f.endsWith('.yaml')).map(readWhyscreamCase)
}

/** Patterns for parts of a line (a key list, a relay, counters), not for a daemon's message. */
export const SUB_PATTERNS = new Set(['POSTFIX_COMMAND_COUNTER_DATA', 'POSTFIX_DELAYS', 'POSTFIX_RELAY', 'POSTFIX_TLS_FEATURES'])

/** POSTFIX_SMTPD -> postfix/smtpd, POSTFIX_TRIVIAL_REWRITE -> postfix/trivial-rewrite, POSTFIX_SCRIPT -> postfix-script. */
export function programOfPattern(pattern: string): string {
  const d = pattern.replace(/^POSTFIX_/, '').toLowerCase().replaceAll('_', '-')
  return d === 'script' ? 'postfix/postfix-script' : `postfix/${d}`
}

type Getter = (r: MessageResult, expected: string) => unknown

/** whyscream result key -> how to read the same thing from our parse. */
export const FIELD_MAP: Record<string, Getter> = {
  postfix_queueid: (r) => r.queueId,
  postfix_client_hostname: (r) => r.fields.clientHost,
  postfix_client_ip: (r) => r.fields.clientIp,
  postfix_client_ip_unknown: (r) => r.fields.clientIp,
  postfix_client_port: (r) => r.fields.clientPort,
  postfix_server_ip: (r) => r.fields.localIp,
  postfix_server_port: (r) => r.fields.localPort,
  postfix_status: (r) => r.fields.status,
  postfix_smtp_response: (r) => r.fields.statusText ?? r.fields.text,
  postfix_local_response: (r) => r.fields.statusText,
  postfix_pipe_response: (r) => r.fields.statusText,
  postfix_error_response: (r) => r.fields.statusText,
  postfix_message_level: (r) => r.severity,
  postfix_message: (r) => r.fields.text,
  postfix_action: (r) => r.fields.action,
  postfix_smtp_stage: (r) => r.fields.stage,
  postfix_status_code: (r) => r.fields.replyCode,
  postfix_status_code_enhanced: (r) => r.fields.replyDsn,
  postfix_status_data: (r) => r.fields.rejectData,
  postfix_status_message: (r) => r.fields.reason,
  'postfix_message-id': (r) => r.fields.messageId,
  postfix_from: (r) => r.fields.from,
  postfix_milter_result: (r) => r.fields.action?.replace(/^milter-/, ''),
  postfix_milter_message: (r) => r.fields.text,
  postfix_proxy_result: (r) => r.fields.action?.replace(/^proxy-/, ''),
  postfix_proxy_smtp_stage: (r) => r.fields.stage,
  postfix_proxy_message: (r) => r.fields.text,
  postfix_proxy_status_code: (r) => r.fields.replyCode,
  postfix_proxy_status_code_enhanced: (r) => r.fields.replyDsn,
  postfix_bounce_queueid: (r) => r.fields.notificationQueueId,
  postfix_relay_hostname: (r) => r.fields.relayHost,
  postfix_relay_ip: (r) => r.fields.relayIp,
  postfix_relay_port: (r) => r.fields.relayPort,
  postfix_smtp_lostconn_data: (r) => r.fields.error,
  postfix_smtpd_lostconn_data: (r) => r.fields.error,
  postfix_command_counter_data: (r) => r.fields.commands,
  postfix_postscreen_access: (r) => r.fields.postscreenAction,
  postfix_postscreen_violation: (r) => r.fields.postscreenAction,
  postfix_postscreen_dnsbl_rank: (r) => r.fields.dnsblRank,
  postfix_postscreen_toobusy_data: (r) => r.fields.reason,
  postfix_dnsbl_domain: (r) => r.fields.blocklist,
  postfix_tls_trustlevel: (r) => r.fields.tls,
  postfix_postsuper_action: (r) => r.fields.text,
}

/** Keys of postfix_keyvalue_data -> our field. */
export const KEYVALUE_MAP: Record<string, Getter> = {
  to: (r) => r.fields.to,
  orig_to: (r) => r.fields.origTo,
  relay: (r) => r.fields.relay,
  delay: (r) => r.fields.delay,
  delays: (r) => r.fields.delays,
  dsn: (r) => r.fields.dsn,
  tls: (r) => r.fields.tls,
  from: (r) => r.fields.from,
  size: (r) => r.fields.size,
  nrcpt: (r) => r.fields.nrcpt,
  uid: (r) => r.fields.uid,
  proto: (r) => r.fields.proto,
  helo: (r) => r.fields.helo,
  client: (r) => (r.fields.clientHost === undefined ? undefined : `${r.fields.clientHost}[${r.fields.clientIp}]`),
}

/** Result keys this engine does not extract (statistics, TLS cipher details, grok-internal parts). */
export const UNMAPPED = new Set([
  'postfix_anvil_cache_size', 'postfix_anvil_conn_count', 'postfix_anvil_conn_rate', 'postfix_anvil_conn_period', 'postfix_anvil_timestamp',
  'postfix_service', 'postfix_bounce_recipient', 'postfix_bounce_reason', 'postfix_milter_data', 'postfix_prepend_type',
  'postfix_prepend_trigger', 'postfix_prepend_value', 'postfix_postscreen_cache_retained', 'postfix_postscreen_cache_dropped',
  'postfix_postscreen_violation_time', 'postfix_dnsbl_result', 'postfix_tls_version', 'postfix_tls_cipher', 'postfix_tls_cipher_size',
  'postfix_tls_key_exchange', 'postfix_tls_server_signature', 'postfix_tls_server_signature_size', 'postfix_tls_server_signature_curve',
  'postfix_tls_server_digest', 'postfix_tls_error', 'postfix_smtp_lostconn_reason', 'postfix_pix_workaround', 'postfix_version',
  'postfix_config_path', 'postfix_termination_signal', 'postfix_postsuper_summary_action', 'postfix_postsuper_summary_count',
  'postfix_scache_hits', 'postfix_scache_miss', 'postfix_scache_success', 'postfix_scache_timestamp', 'postfix_scache_domains',
  'postfix_scache_addresses', 'postfix_scache_connection', 'postfix_verify_cleanup_type', 'postfix_verify_cache_retained',
  'postfix_verify_cache_dropped', 'postfix_discarded_ehlo_keywords',
])

/** whyscream's key list text -> [key, value] pairs (values without <>, a trailing comma dropped). */
export function keyValuePairs(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = []
  const re = /(\w+)=(<[^>]*>|[^,\s]*)/g
  for (const m of text.matchAll(re)) {
    let v = m[2]!
    if (v.startsWith('<') && v.endsWith('>')) v = v.slice(1, -1)
    out.push([m[1]!, v])
  }
  return out
}
