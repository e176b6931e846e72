/** SSL/TLS protocol versions, oldest first. */
export const TLS_PROTOCOLS = ['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const
export type TlsProtocol = (typeof TLS_PROTOCOLS)[number]
export const INSECURE_PROTOCOLS: readonly TlsProtocol[] = ['SSLv2', 'SSLv3']

/**
 * The insecure versions a setting leaves on, if that matters: SSLv3 does (OpenSSL builds still carry
 * it); SSLv2 alone does not (removed in OpenSSL 1.1, off by default since 1.0.2g and in RHEL 6 builds),
 * so `!SSLv3` alone is not reported.
 */
export function insecureAllowed(allowed: readonly TlsProtocol[]): TlsProtocol[] {
  return allowed.includes('SSLv3') ? allowed.filter((p) => INSECURE_PROTOCOLS.includes(p)) : []
}

export interface TlsProtocolVerdict {
  /** The versions the setting leaves enabled (among those OpenSSL may offer). */
  allowed: TlsProtocol[]
  /** Words that are not protocol names. */
  unknown: { word: string; from: number; to: number }[]
}

const index = (name: string): number => TLS_PROTOCOLS.findIndex((p) => p.toLowerCase() === name.toLowerCase())

/**
 * Evaluates a protocol list as Postfix (`!SSLv3, TLSv1.2`, `>=TLSv1.2`, separators blank/comma/colon)
 * and Dovecot 2.2 `ssl_protocols` (`!SSLv2 !SSLv3`) read it: inclusions restrict the set, exclusions
 * remove from it, `>=`/`<=` bound it.
 */
export function evaluateTlsProtocols(value: string): TlsProtocolVerdict {
  const words = [...value.matchAll(/[^\s,:]+/g)].map((m) => ({ word: m[0], from: m.index ?? 0, to: (m.index ?? 0) + m[0].length }))
  const unknown: TlsProtocolVerdict['unknown'] = []
  const included = new Set<number>()
  const excluded = new Set<number>()
  let min = 0
  let max = TLS_PROTOCOLS.length - 1
  for (const w of words) {
    const m = /^(!|>=|<=)?(.+)$/.exec(w.word) as RegExpExecArray
    const i = index(m[2] as string)
    if (i === -1) {
      unknown.push(w)
      continue
    }
    if (m[1] === '!') excluded.add(i)
    else if (m[1] === '>=') min = Math.max(min, i)
    else if (m[1] === '<=') max = Math.min(max, i)
    else included.add(i)
  }
  const allowed: TlsProtocol[] = []
  TLS_PROTOCOLS.forEach((p, i) => {
    if (i < min || i > max || excluded.has(i)) return
    if (included.size && !included.has(i)) return
    allowed.push(p)
  })
  return { allowed, unknown }
}
