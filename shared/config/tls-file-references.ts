import type { ConfigFileKind } from './config-set'
import { readDovecotLines } from './dovecot/dovecot-lines'
import { findingAt, sortFindings, type Finding } from './finding'
import { parseMainCf, valueSpanToSource, type ValueSegment } from './postfix/main-cf-parser'
import { parseMasterCf } from './postfix/master-cf-parser'
import { SourceText, type SourceSpan } from './source-text'

/**
 * Certificate, key and CA files the configs name: Postfix's `*_tls_cert_file`/`key_file`/`CAfile`/
 * `chain_files` (main.cf, and master.cf `-o` overrides), Dovecot's `ssl_cert = </path` (and 2.4's
 * `ssl_server_cert_file = /path`), Apache's `SSLCertificateFile`. Whether they exist can only be told
 * on the server: the workspace asks it about all of them in one round trip (see tlsFileFindings).
 */
export interface TlsFileReference {
  /** The workspace file that names it. */
  file: string
  /** The setting (master.cf: `service/type -o name`). */
  setting: string
  /** Absolute path on the server. */
  path: string
  /** Where the path is written in `file`. */
  span: SourceSpan
  line: number
  column: number
}

export interface TlsSourceFile {
  path: string
  kind: ConfigFileKind | string
  text: string
}

/** What the server said about a path (`ok`: a readable regular file). */
export type TlsFileState = 'ok' | 'missing' | 'unreadable' | 'not-file'

const POSTFIX_TLS = /^(smtpd|smtp|lmtp|tlsproxy)_tls_(cert_file|key_file|dcert_file|dkey_file|eccert_file|eckey_file|CAfile|chain_files|dh1024_param_file|dh512_param_file)$/
/** Dovecot 2.3: `ssl_cert = </path` (a file value). */
const DOVECOT_TLS_FILE_VALUE = /^ssl_(cert|key|ca|alt_cert|alt_key|client_cert|client_key|dh)$/
/** Dovecot 2.4 (and 2.3's ssl_client_ca_file): a plain path. */
const DOVECOT_TLS_PATH = /^ssl_(server_(cert|key|ca|dh)_file|client_(cert|key|ca)_file)$/
const APACHE_TLS = /^\s*(SSLCertificateFile|SSLCertificateKeyFile|SSLCertificateChainFile|SSLCACertificateFile)\s+("([^"]*)"|(\S+))/i

/** The TLS files a set of config files names, in file order. */
export function collectTlsFileReferences(files: readonly TlsSourceFile[]): TlsFileReference[] {
  const out: TlsFileReference[] = []
  for (const f of files) {
    const source = new SourceText(f.text)
    const push = (setting: string, path: string, span: SourceSpan) => {
      if (!path.startsWith('/')) return
      const at = source.positionAt(span.from)
      out.push({ file: f.path, setting, path, span, line: at.line, column: at.column })
    }
    if (f.kind === 'postfix-main') {
      const doc = parseMainCf(f.text)
      const configDirectory = [...doc.entries].reverse().find((e) => e.name === 'config_directory')?.value ?? '/etc/postfix'
      // The last setting of a name is the one Postfix uses.
      const last = new Map(doc.entries.map((e) => [e.name, e]))
      for (const e of last.values()) if (POSTFIX_TLS.test(e.name)) for (const p of postfixPaths(e, configDirectory)) push(e.name, p.path, p.span)
    } else if (f.kind === 'postfix-master') {
      for (const entry of parseMasterCf(f.text).entries)
        for (const o of entry.overrides) if (POSTFIX_TLS.test(o.name)) for (const p of postfixPaths(o, '/etc/postfix')) push(`${entry.key} -o ${o.name}`, p.path, p.span)
    } else if (f.kind === 'dovecot') {
      for (const l of readDovecotLines(f.text).lines) {
        if (l.type !== 'setting') continue
        if ((l.valueKind === 'file' && DOVECOT_TLS_FILE_VALUE.test(l.key)) || (l.valueKind !== 'file' && DOVECOT_TLS_PATH.test(l.key))) push(l.key, l.value.trim(), l.valueSpan)
      }
    } else if (f.kind === 'apache') {
      let offset = 0
      for (const line of f.text.split('\n')) {
        const m = APACHE_TLS.exec(line)
        if (m && !/^\s*#/.test(line)) {
          const value = (m[3] ?? m[4]) as string
          const at = offset + line.indexOf(m[2] as string) + (m[3] !== undefined ? 1 : 0)
          push(m[1] as string, value, { from: at, to: at + value.length })
        }
        offset += line.length + 1
      }
    }
  }
  return out
}

/** The paths of a Postfix TLS value (chain_files is a list), `$config_directory` expanded; others with `$` are skipped. */
function postfixPaths(e: { value: string; valueSpan: SourceSpan; segments: ValueSegment[] }, configDirectory: string): { path: string; span: SourceSpan }[] {
  const out: { path: string; span: SourceSpan }[] = []
  for (const m of e.value.matchAll(/[^\s,]+/g)) {
    const word = m[0]
    const path = word.replace(/\$\{?config_directory\}?/g, configDirectory)
    if (path.includes('$')) continue
    const from = m.index ?? 0
    out.push({ path, span: valueSpanToSource(e, from, from + word.length) })
  }
  return out
}

/** The unique paths to ask the server about. */
export const tlsPathsToCheck = (refs: readonly TlsFileReference[]): string[] => [...new Set(refs.map((r) => r.path))]

const WHAT: Record<Exclude<TlsFileState, 'ok'>, string> = {
  missing: 'does not exist on the server',
  unreadable: 'is not readable by root on the server',
  'not-file': 'is not a regular file on the server',
}

/** Error findings for the references whose file the server did not find (or cannot read). */
export function tlsFileFindings(files: readonly TlsSourceFile[], refs: readonly TlsFileReference[], states: ReadonlyMap<string, TlsFileState>): Finding[] {
  const sources = new Map<string, SourceText>()
  const out: Finding[] = []
  for (const r of refs) {
    const state = states.get(r.path)
    if (!state || state === 'ok') continue
    let source = sources.get(r.file)
    if (!source) {
      const f = files.find((x) => x.path === r.file)
      if (!f) continue
      sources.set(r.file, (source = new SourceText(f.text)))
    }
    const service = /^(ssl_|SSL)/.test(r.setting) ? (r.setting.startsWith('SSL') ? 'Apache' : 'Dovecot') : 'Postfix'
    out.push(
      findingAt({ path: r.file, source }, r.span, {
        severity: 'error',
        code: `config.tls-file-${state}`,
        message: `${r.setting}: ${r.path} ${WHAT[state]}`,
        hint:
          state === 'missing'
            ? `Fix the path, or put the certificate/key there first: ${service} cannot start TLS without it (a reload would fail or clients would be refused).`
            : state === 'unreadable'
              ? `Check the file's permissions on the server (${service} reads it as root at start).`
              : 'Point the setting at the certificate/key file itself, not a directory.',
      }),
    )
  }
  return sortFindings(out)
}

/**
 * The server-side check: one `sh -c` as root that prints one state per path argument (paths travel as
 * argv words, quoted by the connection layer; nothing is interpolated into the script).
 */
export const TLS_CHECK_SCRIPT =
  'for p do if [ ! -e "$p" ]; then echo missing; elif [ ! -f "$p" ]; then echo not-file; elif [ ! -r "$p" ] || ! head -c 1 -- "$p" >/dev/null 2>&1; then echo unreadable; else echo ok; fi; done'

/** Parses the script's output (one line per path, in order). */
export function parseTlsCheckOutput(paths: readonly string[], stdout: string): Map<string, TlsFileState> {
  const lines = stdout.split('\n')
  const out = new Map<string, TlsFileState>()
  paths.forEach((p, i) => {
    const s = lines[i]?.trim()
    if (s === 'ok' || s === 'missing' || s === 'unreadable' || s === 'not-file') out.set(p, s)
  })
  return out
}
