/**
 * Dovecot 2.3's %-variables in auth queries (auth-request-var-expand.c, lib/var-expand.c), filled in for
 * one sample user so a pushed password_query/user_query can be run the way the auth worker would run it.
 * `%[-][0][width][.[-]offset-or-width]{modifiers}X` or `%{modifiers}{long_name}`; values are escaped for
 * SQL before modifiers apply, as Dovecot does. An unknown variable is an error in Dovecot 2.3 (the lookup
 * fails): so it is here. What is not modelled (hash modifiers, `%{md5:…}` functions, `%{if;…}`) is reported
 * as such, never guessed.
 */

/** What a lookup for the sample would know: the user and the connection it came over. */
export interface AuthSample {
  user: string
  service?: string
  localIp?: string
  remoteIp?: string
  localPort?: string
  remotePort?: string
}

export type ExpandResult = { ok: true; text: string } | { ok: false; kind: 'unknown' | 'unsupported'; message: string }

/** mysql_real_escape_string for the characters Dovecot's SQL escape covers. */
export function mysqlEscape(s: string): string {
  // eslint-disable-next-line no-control-regex -- NUL and ^Z are exactly what MySQL's escape covers
  return s.replace(/[\0\n\r\\'"\x1a]/g, (c) => ({ '\0': '\\0', '\n': '\\n', '\r': '\\r', '\x1a': '\\Z' })[c] ?? `\\${c}`)
}

/** The variables of an auth request, by one-letter and long name (2.3 names and the 2.3.13+ aliases). */
function variables(s: AuthSample): { short: Record<string, string>; long: Record<string, string> } {
  const at = s.user.indexOf('@')
  const username = at < 0 ? s.user : s.user.slice(0, at)
  const domain = at < 0 ? '' : s.user.slice(at + 1)
  const firstDomain = domain.split('@')[0] ?? ''
  const lastAt = s.user.lastIndexOf('@')
  const lastDomain = lastAt < 0 ? '' : s.user.slice(lastAt + 1)
  const service = s.service ?? 'imap'
  const lip = s.localIp ?? '127.0.0.1'
  const rip = s.remoteIp ?? '127.0.0.1'
  const lport = s.localPort ?? '143'
  const rport = s.remotePort ?? '0'
  const e = mysqlEscape
  const long: Record<string, string> = {
    user: e(s.user), username: e(username), domain: e(domain), service: e(service), protocol: e(service), home: '',
    lip, rip, local_ip: lip, remote_ip: rip, pid: '0', client_pid: '0', password: '', mech: 'PLAIN', mechanism: 'PLAIN',
    secured: '', lport, rport, local_port: lport, remote_port: rport, cert: '',
    login_user: '', login_username: '', login_domain: '', session: '', session_pid: '',
    real_lip: lip, real_rip: rip, real_lport: lport, real_rport: rport,
    real_local_ip: lip, real_remote_ip: rip, real_local_port: lport, real_remote_port: rport,
    domain_first: e(firstDomain), domain_last: e(lastDomain), master_user: '',
    orig_user: e(s.user), orig_username: e(username), orig_domain: e(domain),
    original_user: e(s.user), original_username: e(username), original_domain: e(domain),
    auth_user: e(s.user), auth_username: e(username), auth_domain: e(domain),
    local_name: '', client_id: '', passdb_id: '1', userdb_id: '1',
    // global variables
    uid: '0', gid: '0', hostname: 'localhost',
  }
  const short: Record<string, string> = {
    u: long.user ?? '', n: long.username ?? '', d: long.domain ?? '', s: long.service ?? '', h: '', l: lip, r: rip, p: '0', w: '',
    '!': '1', m: 'PLAIN', c: '', a: lport, b: rport, k: '',
  }
  return { short, long }
}

type Modifier = (v: string) => string
const MODIFIERS: Record<string, Modifier | null> = {
  L: (v) => v.toLowerCase(),
  U: (v) => v.toUpperCase(),
  E: (v) => v.replace(/[\\'"]/g, (c) => `\\${c}`),
  R: (v) => [...v].reverse().join(''),
  T: (v) => v.replace(/\s+$/, ''),
  D: (v) => v.split('.').join(',dc='),
  // hex of a number, hashes, md5: not modelled
  X: null,
  H: null,
  N: null,
  M: null,
}

/** Fills in a query's %-variables for the sample, as Dovecot 2.3 would for a lookup of that user. */
export function expandAuthVariables(template: string, sample: AuthSample): ExpandResult {
  const { short, long } = variables(sample)
  let out = ''
  let i = 0
  while (i < template.length) {
    const ch = template[i]
    if (ch !== '%') {
      out += ch
      i++
      continue
    }
    const start = i
    i++
    let sign = 1
    let width = 0
    let offset = 0
    let zero = false
    if (template[i] === '-') {
      sign = -1
      i++
    }
    if (template[i] === '0') {
      zero = true
      i++
    }
    while (/[0-9]/.test(template[i] ?? '')) width = width * 10 + Number(template[i++])
    if (template[i] === '.') {
      offset = sign * width
      sign = 1
      width = 0
      i++
      zero = false
      if (template[i] === '0') {
        zero = true
        i++
      }
      if (template[i] === '-') {
        sign = -1
        i++
      }
      while (/[0-9]/.test(template[i] ?? '')) width = width * 10 + Number(template[i++])
      width *= sign
    }
    const mods: Modifier[] = []
    while (Object.hasOwn(MODIFIERS, template[i] ?? '') && mods.length < 10) {
      const m = MODIFIERS[template[i] as string]
      if (!m) return { ok: false, kind: 'unsupported', message: `the modifier %${template[i]} (in ${template.slice(start, start + 12)}…) is not modelled by this check` }
      mods.push(m)
      i++
    }
    if (i >= template.length) break
    let value: string | undefined
    if (template[i] === '{' && template.indexOf('}', i) >= 0) {
      let depth = 1
      let end = i
      while (end + 1 < template.length && depth > 0) {
        end++
        if (template[end] === '{') depth++
        else if (template[end] === '}') depth--
      }
      const name = template.slice(i + 1, depth === 0 ? end : end + 1)
      i = end
      if (name in long) value = long[name]
      else if (/^env:/.test(name)) value = ''
      else if (/^(passdb|userdb):/.test(name)) value = mysqlEscape(name.split(':').slice(2).join(':'))
      else if (/[:;]/.test(name)) return { ok: false, kind: 'unsupported', message: `%{${name}} is not modelled by this check` }
      else return { ok: false, kind: 'unknown', message: `Unknown variable '%{${name}}'` }
    } else if (template[i] === '%') value = '%'
    else {
      const key = template[i] as string
      value = short[key]
      if (value === undefined) return { ok: false, kind: 'unknown', message: `Unknown variable '%${key}'` }
    }
    i++
    let v = value ?? ''
    for (const m of mods) v = m(v)
    if (offset < 0) {
      if (v.length > -offset) v = v.slice(v.length + offset)
    } else v = v.slice(offset)
    if (width === 0) out += v
    else if (!zero) out += v.slice(0, width < 0 ? Math.max(0, v.length + width) : width)
    else out += v.padStart(width, '0')
  }
  return { ok: true, text: out }
}
