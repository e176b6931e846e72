import type { ConfigFileKind } from '../../../../shared/config/config-set'

/**
 * Secrets inside config files (DB passwords) never reach the workspace on disk: their values are
 * replaced by `{{postdesk-secret:NAME}}` placeholders and kept in the encrypted secret store. The
 * names come from the file's path and the setting, so a later pull of the same file gives the same
 * placeholders (no spurious diff).
 */
export const PLACEHOLDER_PREFIX = '{{postdesk-secret:'
export const PLACEHOLDER_RE = /\{\{postdesk-secret:([A-Za-z0-9._/:-]{1,240})\}\}/g
export const placeholder = (name: string): string => `${PLACEHOLDER_PREFIX}${name}}}`

export interface SecretField {
  name: string
  /** The value as written in the file (inside quotes when quoted). */
  value: string
  /** Offsets of the value in the text. */
  from: number
  to: number
}

export interface MaskOptions {
  /** A lookup table named by a *_password_maps parameter: every entry's value is a secret (user:password). */
  passwordMap?: boolean
}

const clean = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80)
const nameOf = (path: string, key: string, nth: number) => `${path.replace(/^\/+/, '')}:${clean(key)}${nth > 1 ? `:${nth}` : ''}`

/** Where the secret values are in one file (by its kind); values that are placeholders already are included. */
export function findSecretFields(path: string, kind: ConfigFileKind | string, text: string, o: MaskOptions = {}): SecretField[] {
  const out: SecretField[] = []
  const seen = new Map<string, number>()
  const add = (key: string, value: string, from: number) => {
    if (value === '') return
    const n = (seen.get(key) ?? 0) + 1
    seen.set(key, n)
    out.push({ name: nameOf(path, key, n), value, from, to: from + value.length })
  }
  const lines = (cb: (line: string, at: number) => void) => {
    let at = 0
    for (const line of text.split('\n')) {
      cb(line, at)
      at += line.length + 1
    }
  }
  if (kind === 'postfix-db-map') {
    // mysql/pgsql/ldap client configs: `password = x` (`bind_pw` for LDAP), main.cf syntax.
    lines((line, at) => {
      const m = /^([ \t]*(password|bind_pw)[ \t]*=[ \t]*)(.*?)[ \t\r]*$/.exec(line)
      if (m) add(m[2] as string, m[3] as string, at + (m[1] as string).length)
    })
  } else if (kind === 'postfix-map' && o.passwordMap) {
    // smtp_sasl_password_maps: `destination user:password`
    lines((line, at) => {
      if (/^\s*(#|$)/.test(line) || /^\s/.test(line)) return
      const m = /^(\S+)([ \t]+)(.*?)[ \t\r]*$/.exec(line)
      if (!m) return
      const value = m[3] as string
      const colon = value.indexOf(':')
      const secret = colon >= 0 ? value.slice(colon + 1) : value
      add(m[1] as string, secret, at + (m[1] as string).length + (m[2] as string).length + (colon >= 0 ? colon + 1 : 0))
    })
  } else if (kind === 'dovecot' || kind === 'dovecot-sql' || kind === 'dovecot-dict-sql' || kind === 'dovecot-side') {
    lines((line, at) => {
      const connect = /^([ \t]*connect[ \t]*=[ \t]*)(.*)$/.exec(line)
      if (connect) {
        const value = connect[2] as string
        const base = at + (connect[1] as string).length
        // password=x, password="x y", or inside a quoted connect string password=\"x y\"
        const re = /(^|[\s"])password=(?:\\"((?:[^"\\]|\\[^"])*)\\"|"((?:[^"\\]|\\.)*)"|([^\s"\\]+))/g
        for (const m of value.matchAll(re)) {
          const open = m[2] !== undefined ? 2 : m[3] !== undefined ? 1 : 0
          const v = (m[2] ?? m[3] ?? m[4]) as string
          add('connect-password', v, base + (m.index ?? 0) + (m[1] as string).length + 'password='.length + open)
        }
        return
      }
      const kv = /^([ \t]*([A-Za-z0-9_]*password|dnpass)[ \t]*=[ \t]*)(.*?)[ \t\r]*$/.exec(line)
      if (kv && !/^</.test(kv[3] as string)) {
        let v = kv[3] as string
        let off = at + (kv[1] as string).length
        if (/^".*"$/.test(v)) {
          v = v.slice(1, -1)
          off += 1
        }
        add(kv[2] as string, v, off)
      }
    })
  } else if (kind === 'postfixadmin-php') {
    // $CONF['database_password'] = '...'; and dbconfig-style $dbpass = '...';
    const re = /\$CONF\s*\[\s*(['"])([A-Za-z0-9_]*?(?:password|passwd|secret))\1\s*\]\s*=\s*(['"])((?:\\.|(?!\3)[^\\])*)\3|\$([A-Za-z_]*pass(?:word)?)\s*=\s*(['"])((?:\\.|(?!\6)[^\\])*)\6/g
    for (const m of text.matchAll(re)) {
      const key = (m[2] ?? m[5]) as string
      const value = (m[4] ?? m[7]) as string
      // The match ends with the closing quote, right after the value.
      add(key, value, (m.index ?? 0) + (m[0] as string).length - 1 - value.length)
    }
  }
  return out
}

export interface MaskResult {
  text: string
  /** Real values found (not placeholders): name -> value, to put in the secret store. */
  secrets: Map<string, string>
  /** Every secret name the masked text refers to. */
  names: string[]
}

/** Replaces each secret value by its placeholder; a value that is a placeholder already stays. */
export function maskSecrets(path: string, kind: ConfigFileKind | string, text: string, o: MaskOptions = {}): MaskResult {
  const fields = findSecretFields(path, kind, text, o)
  const secrets = new Map<string, string>()
  let out = ''
  let at = 0
  for (const f of fields) {
    out += text.slice(at, f.from)
    if (isPlaceholder(f.value)) out += f.value
    else {
      secrets.set(f.name, f.value)
      out += placeholder(f.name)
    }
    at = f.to
  }
  out += text.slice(at)
  return { text: out, secrets, names: placeholderNames(out) }
}

export const isPlaceholder = (v: string): boolean => new RegExp(`^${PLACEHOLDER_RE.source}$`).test(v)

export function placeholderNames(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER_RE)].map((m) => m[1] as string))]
}

/** Puts the values back (in memory, for a push); names without a value are reported, not guessed. */
export function unmaskSecrets(text: string, values: ReadonlyMap<string, string>): { text: string; missing: string[] } {
  const missing = new Set<string>()
  const out = text.replace(PLACEHOLDER_RE, (all, name: string) => {
    const v = values.get(name)
    if (v === undefined) {
      missing.add(name)
      return all
    }
    return v
  })
  return { text: out, missing: [...missing] }
}

/**
 * Replaces any occurrence of a known secret value in captured tool output (`doveconf -n`, `postconf -n`)
 * by its placeholder. Short values are left alone: they would match ordinary words.
 */
export function scrubValues(text: string, values: ReadonlyMap<string, string>): string {
  let out = text
  // Longest first, so that a value containing another is replaced whole.
  for (const [name, value] of [...values].sort((a, b) => b[1].length - a[1].length)) if (value.length >= 8) out = out.split(value).join(placeholder(name))
  return out
}
