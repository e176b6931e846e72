import { randomBytes } from 'node:crypto'
import { kindFromName } from '../../../../shared/config/config-set'
import { matchGlob } from '../../../../shared/config/glob-match'
import { AppError } from '../../../../shared/errors'
import type { ExecBytesResult } from '../../ssh/run-command'
import { ownerOf, referencesOf } from './config-references'
import type { FileMeta } from './snapshot-store'

/** Runs `sh -c SCRIPT sh ARGS…` as root on the server; stdout as bytes. */
export type RootScriptRunner = (argv: string[], opts: { timeoutMs: number; signal?: AbortSignal }) => Promise<ExecBytesResult>

/** Largest file pulled (bigger lookup tables are listed as skipped). */
export const MAX_FILE_BYTES = 4 * 1024 * 1024

/**
 * One round trip prints every requested file (globs expanded by the server's shell, with no field
 * splitting: IFS is empty, so a name is only ever matched, never executed) as a framed stream:
 *   \n<B> F <mode> <user> <group> <size> <path>\n<base64…>
 *   \n<B> M <path>           (no such regular file / no match)
 *   \n<B> T <size> <path>    (too big)
 *   \n<B> S <name>\n<output> (a command's output: catalogues, versions)
 * B is a random boundary chosen per run, so no file content can forge a frame.
 */
const EMIT = [
  'emit() {',
  '  for f in $1; do',
  '    if [ -f "$f" ] && [ -r "$f" ]; then',
  '      sz=$(stat -L -c %s -- "$f" 2>/dev/null || wc -c <"$f")',
  `      if [ "$sz" -gt ${MAX_FILE_BYTES} ]; then printf '\\n%s T %s %s\\n' "$B" "$sz" "$f"; continue; fi`,
  `      printf '\\n%s F %s %s\\n' "$B" "$(stat -L -c '%a %U %G %s' -- "$f" 2>/dev/null || echo "644 root root $sz")" "$f"`,
  '      base64 <"$f"',
  `    else printf '\\n%s M %s\\n' "$B" "$f"; fi`,
  '  done',
  '}',
].join('\n')

const PREAMBLE = ['B=$1; shift', "IFS=''", 'export LC_ALL=C', `sec() { printf '\\n%s S %s\\n' "$B" "$1"; }`, EMIT].join('\n')

/**
 * The first round: catalogues, versions, the root files (main.cf, master.cf, dovecot.conf), the given
 * extra paths, and a prefetch of the places referenced files usually are (maps next to main.cf and in
 * its subdirectories, Dovecot's conf.d and *.conf.ext, /etc/aliases), so that a typical server needs
 * one round trip. Prefetched files nothing refers to are dropped; the patterns used are reported.
 */
const FIRST_ROUND = [
  PREAMBLE,
  'sec login; id -un',
  'PF=""',
  'if command -v postconf >/dev/null 2>&1; then',
  '  D=$(postconf -h config_directory 2>/dev/null); [ -n "$D" ] || D=/etc/postfix',
  '  sec config_directory; printf "%s\\n" "$D"',
  '  sec mail_version; postconf -h mail_version 2>/dev/null',
  '  sec postconf-n; postconf -n 2>/dev/null',
  '  sec postconf-d; postconf -d 2>/dev/null',
  '  sec postconf-M; postconf -M 2>/dev/null',
  '  emit "$D/main.cf"; emit "$D/master.cf"',
  '  for p in "$D/*.cf" "$D/*/*.cf" "$D/*_checks" "$D/*.cidr" "$D/*.pcre" "$D/*.regexp" /etc/aliases; do PF="$PF$p\n"; emit "$p"; done',
  'fi',
  'if command -v doveconf >/dev/null 2>&1; then',
  '  N=$(doveconf -n 2>/dev/null)',
  '  sec doveconf-n; printf "%s\\n" "$N"',
  '  sec doveconf-d; doveconf -d 2>/dev/null',
  '  sec dovecot-version; dovecot --version 2>/dev/null',
  '  P=$(printf "%s\\n" "$N" | sed -n "1s/^# .*: \\(\\/.*\\)$/\\1/p"); [ -n "$P" ] || P=/etc/dovecot/dovecot.conf',
  '  sec dovecot-config; printf "%s\\n" "$P"',
  '  emit "$P"',
  '  V=${P%/*}',
  '  for p in "$V/*.conf" "$V/conf.d/*.conf" "$V/conf.d/*.conf.ext" "$V/*.conf.ext" "/usr/share/dovecot/protocols.d/*.protocol"; do PF="$PF$p\n"; emit "$p"; done',
  'fi',
  'for p in "$@"; do emit "$p"; done',
  'sec prefetch; printf "%s" "$PF"',
  'exit 0',
].join('\n')

const NEXT_ROUND = [PREAMBLE, 'for p in "$@"; do emit "$p"; done', 'exit 0'].join('\n')

export interface RemoteConfigFile {
  path: string
  content: Buffer
  meta: FileMeta
}

export interface ServerCapture {
  login?: string
  configDirectory?: string
  mailVersion?: string
  dovecotVersion?: string
  dovecotConfig?: string
  postconfN?: string
  postconfD?: string
  postconfM?: string
  doveconfN?: string
  doveconfD?: string
}

export interface DiscoveryResult {
  files: RemoteConfigFile[]
  capture: ServerCapture
  /** Referenced files that are not on the server (for the lint's "map file referenced but absent"). */
  missing: { path: string; from: string }[]
  /** Files too big to pull. */
  skipped: { path: string; size: number }[]
  roundTrips: number
}

interface Frame {
  type: 'F' | 'M' | 'T' | 'S'
  head: string
  body: string
}

export function parseFrames(stdout: string, boundary: string): Frame[] {
  const out: Frame[] = []
  for (const chunk of stdout.split(`\n${boundary} `).slice(1)) {
    const nl = chunk.indexOf('\n')
    const head = nl === -1 ? chunk : chunk.slice(0, nl)
    const body = nl === -1 ? '' : chunk.slice(nl + 1)
    const type = head[0] as Frame['type']
    out.push({ type, head: head.slice(2), body })
  }
  return out
}

export interface DiscoverOptions {
  /** The Apache allowlist file the firewall area names (null: the usual places are tried). */
  apacheConf?: () => Promise<string | null>
  /** PostfixAdmin's config.local.php from the server facts (null: the usual places are tried). */
  postfixadminConfig?: () => Promise<string | null>
  signal?: AbortSignal
  onRound?: (round: number, files: number) => void
}

export const APACHE_CANDIDATES = ['/etc/apache2/conf-available/postfixadmin.conf', '/etc/httpd/conf.d/postfixadmin.conf']
export const POSTFIXADMIN_CANDIDATES = ['/etc/postfixadmin/config.local.php', '/usr/share/postfixadmin/config.local.php', '/var/www/postfixadmin/config.local.php', '/var/www/html/postfixadmin/config.local.php']

interface FetchedFile {
  path: string
  content: Buffer
  mode: string
  user: string
  group: string
}

interface Want {
  kind: string
  mapType?: string
  passwordMap?: boolean
  from: string
}

/**
 * Finds and reads the server's config files in as few round trips as possible: the root files, the
 * catalogues and a prefetch of the usual places first, then whatever the kept files refer to that
 * the prefetch did not bring, until nothing new is referenced.
 */
export async function discoverServerConfigs(run: RootScriptRunner, o: DiscoverOptions = {}): Promise<DiscoveryResult> {
  const boundary = `@@postdesk-${randomBytes(9).toString('hex')}@@`
  const fetched = new Map<string, FetchedFile>()
  const absent = new Set<string>()
  const skipped: DiscoveryResult['skipped'] = []
  const capture: ServerCapture = {}
  const prefetched = new Set<string>()
  let roundTrips = 0

  const round = async (script: string, patterns: string[]): Promise<void> => {
    roundTrips++
    const r = await run(['sh', '-c', script, 'sh', boundary, ...patterns], { timeoutMs: 90_000, ...(o.signal ? { signal: o.signal } : {}) })
    if (r.code !== 0) throw new AppError('remote-failed', `Reading the config files failed: ${r.stderr.toString('utf8').trim().slice(0, 300) || `exit ${r.code}`}`)
    for (const f of parseFrames(r.stdout.toString('utf8'), boundary)) {
      if (f.type === 'S') {
        const [name] = f.head.split(' ')
        const text = f.body.replace(/\n$/, '')
        if (name === 'login') capture.login = text.trim()
        else if (name === 'config_directory') capture.configDirectory = text.trim()
        else if (name === 'mail_version') capture.mailVersion = text.trim() || undefined
        else if (name === 'postconf-n') capture.postconfN = text
        else if (name === 'postconf-d') capture.postconfD = text
        else if (name === 'postconf-M') capture.postconfM = text
        else if (name === 'doveconf-n') capture.doveconfN = text
        else if (name === 'doveconf-d') capture.doveconfD = text
        else if (name === 'dovecot-version') capture.dovecotVersion = text.trim().split(/\s+/)[0] || undefined
        else if (name === 'dovecot-config') capture.dovecotConfig = text.trim()
        else if (name === 'prefetch') for (const p of text.split('\n')) if (p) prefetched.add(p)
      } else if (f.type === 'F') {
        const m = /^(\d+) (\S+) (\S+) (\d+) (\/.*)$/.exec(f.head)
        if (m && !fetched.has(m[5] as string)) fetched.set(m[5] as string, { path: m[5] as string, content: Buffer.from(f.body, 'base64'), mode: (m[1] as string).padStart(4, '0'), user: m[2] as string, group: m[3] as string })
      } else if (f.type === 'M') absent.add(f.head)
      else if (f.type === 'T') {
        const m = /^(\d+) (\/.*)$/.exec(f.head)
        if (m) skipped.push({ path: m[2] as string, size: Number(m[1]) })
      }
    }
    o.onRound?.(roundTrips, fetched.size)
  }

  const pfaPromise = o.postfixadminConfig ? o.postfixadminConfig().catch(() => null) : Promise.resolve(null)
  const apache = o.apacheConf ? await o.apacheConf().catch(() => null) : null
  await round(FIRST_ROUND, [...(apache ? [apache] : APACHE_CANDIDATES), ...POSTFIXADMIN_CANDIDATES])

  const kept = new Map<string, Want>()
  const keep = (path: string, w: Want) => {
    if (!kept.has(path)) kept.set(path, w)
  }
  const dir = capture.configDirectory
  const missing: DiscoveryResult['missing'] = []
  if (dir) {
    for (const n of ['main.cf', 'master.cf']) {
      if (fetched.has(`${dir}/${n}`)) keep(`${dir}/${n}`, { ...kindFromName(n), from: 'postconf' })
      else missing.push({ path: `${dir}/${n}`, from: 'postconf' })
    }
  }
  if (capture.dovecotConfig && fetched.has(capture.dovecotConfig)) keep(capture.dovecotConfig, { kind: 'dovecot', from: 'doveconf' })
  const apacheFile = apache ?? APACHE_CANDIDATES.find((p) => fetched.has(p))
  if (apacheFile && fetched.has(apacheFile)) keep(apacheFile, { kind: 'apache', from: 'firewall' })
  else if (apache) missing.push({ path: apache, from: 'firewall allowlist' })
  const pfa = await pfaPromise
  const pfaFile = pfa ?? POSTFIXADMIN_CANDIDATES.find((p) => fetched.has(p))

  // Follow references from the kept files; what the prefetch did not bring is asked for in another round.
  const followed = new Set<string>()
  const asked = new Set<string>()
  for (let i = 0; i < 8; i++) {
    const request: string[] = []
    const requestWants = new Map<string, Want & { glob: boolean; optional: boolean }>()
    if (pfaFile && !kept.has(pfaFile)) {
      if (fetched.has(pfaFile)) keep(pfaFile, { kind: 'postfixadmin-php', from: 'facts' })
      else if (!asked.has(pfaFile)) {
        request.push(pfaFile)
        requestWants.set(pfaFile, { kind: 'postfixadmin-php', from: 'facts', glob: false, optional: true })
      }
    }
    for (let changed = true; changed; ) {
      changed = false
      for (const [path, w] of [...kept]) {
        if (followed.has(path)) continue
        followed.add(path)
        const f = fetched.get(path)
        if (!f) continue
        for (const ref of referencesOf(path, w.kind, f.content.toString('utf8'), dir ?? '/etc/postfix')) {
          const want: Want = { kind: ref.kind, ...(ref.mapType ? { mapType: ref.mapType } : {}), ...(ref.passwordMap ? { passwordMap: true } : {}), from: ref.from }
          // Resolved locally when the prefetch (or an earlier round) already looked for it: a path the
          // prefetch's globs cover but did not bring does not exist (or is not a readable regular file).
          const known = ref.glob ? prefetched.has(ref.pattern) || asked.has(ref.pattern) : fetched.has(ref.pattern) || asked.has(ref.pattern) || prefetched.has(ref.pattern) || [...prefetched].some((g) => matchGlob(g, [ref.pattern]).length > 0)
          if (!known) {
            if (!requestWants.has(ref.pattern)) {
              request.push(ref.pattern)
              requestWants.set(ref.pattern, { ...want, glob: ref.glob, optional: ref.optional })
            }
            continue
          }
          const hits = ref.glob ? matchGlob(ref.pattern, fetched.keys()) : fetched.has(ref.pattern) ? [ref.pattern] : []
          for (const p of hits) {
            if (kept.has(p)) continue
            keep(p, want)
            changed = true
          }
          if (!ref.glob && hits.length === 0 && !ref.optional && !missing.some((m) => m.path === ref.pattern)) missing.push({ path: ref.pattern, from: ref.from })
        }
      }
    }
    if (request.length === 0) break
    for (const p of request) asked.add(p)
    await round(NEXT_ROUND, request)
    for (const [pattern, w] of requestWants) {
      if (w.glob) for (const p of matchGlob(pattern, fetched.keys())) keep(p, w)
      else if (fetched.has(pattern)) keep(pattern, w)
      else if (!w.optional) missing.push({ path: pattern, from: w.from })
    }
  }

  const files: RemoteConfigFile[] = []
  for (const [path, w] of kept) {
    const f = fetched.get(path)
    if (!f) continue
    const byName = kindFromName(path)
    const kind = w.kind && w.kind !== 'unknown' ? w.kind : byName.kind
    const mapType = w.mapType ?? byName.mapType
    files.push({
      path,
      content: f.content,
      meta: { kind, ...(mapType ? { mapType } : {}), owner: kind === 'apache' ? 'apache' : ownerOf(kind), mode: f.mode, user: f.user, group: f.group, ...(w.passwordMap ? { passwordMap: true } : {}) },
    })
  }
  return { files: files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)), capture, missing, skipped, roundTrips }
}
