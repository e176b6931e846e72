import { splitWords, type ValueWord } from './value-words'

/** Lookup table types of Postfix 3.7 (postconf -m plus the built-in wrappers). */
export const MAP_TYPES = new Set([
  'btree', 'cdb', 'cidr', 'dbm', 'environ', 'fail', 'hash', 'inline', 'internal', 'ldap', 'lmdb', 'memcache', 'mongodb',
  'mysql', 'netinfo', 'nis', 'nisplus', 'pcre', 'pgsql', 'pipemap', 'proxy', 'randmap', 'regexp', 'sdbm', 'socketmap',
  'sqlite', 'static', 'tcp', 'texthash', 'unionmap', 'unix',
])
/** Types whose name is a text source file (compiled with postmap for the indexed ones). */
export const SOURCE_FILE_TYPES = new Set(['btree', 'cdb', 'dbm', 'hash', 'lmdb', 'sdbm', 'cidr', 'pcre', 'regexp', 'texthash'])
/** Types whose name is a client configuration file (or, without a '/', a main.cf parameter prefix). */
export const CONFIG_FILE_TYPES = new Set(['mysql', 'pgsql', 'sqlite', 'ldap', 'memcache', 'mongodb'])
/** Indexed types: Postfix reads NAME.db (or .lmdb/.cdb) made by postmap from the source file NAME. */
export const INDEXED_TYPES = new Set(['btree', 'cdb', 'dbm', 'hash', 'lmdb', 'sdbm'])

export interface MapReference {
  type: string
  /** The table name: a path for file types, a prefix for legacy dbms parameters, else free text. */
  name: string
  /** Offsets in the value string of the whole `type:name` word. */
  from: number
  to: number
  /** Behind proxy: (proxymap reads it) */
  proxied: boolean
}

/** Finds `type:name` lookup tables in a value, looking inside proxy:, pipemap:{...} and unionmap:{...}. */
export function findMapReferences(value: string): MapReference[] {
  const out: MapReference[] = []
  for (const w of splitWords(value)) collect(w, false, out)
  return out
}

function collect(word: ValueWord, proxied: boolean, out: MapReference[]): void {
  const m = /^([a-z0-9_]+):/.exec(word.text)
  if (!m || !MAP_TYPES.has(m[1] as string)) return
  const type = m[1] as string
  const rest: ValueWord = { text: word.text.slice(type.length + 1), from: word.from + type.length + 1, to: word.to }
  if (type === 'proxy') return collect(rest, true, out)
  if ((type === 'pipemap' || type === 'unionmap') && rest.text.startsWith('{') && rest.text.endsWith('}')) {
    for (const inner of splitWords(rest.text, true, 1, rest.text.length - 1))
      collect({ text: inner.text, from: rest.from + inner.from, to: rest.from + inner.to }, proxied, out)
    return
  }
  out.push({ type, name: rest.text, from: word.from, to: word.to, proxied })
}

/** True when the map's name is a file the server must have (source file or client config file). */
export const mapNamesFile = (ref: MapReference): boolean =>
  (SOURCE_FILE_TYPES.has(ref.type) || (CONFIG_FILE_TYPES.has(ref.type) && ref.name.includes('/'))) && !ref.name.startsWith('{')
