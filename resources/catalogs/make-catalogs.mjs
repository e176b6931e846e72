#!/usr/bin/env node
// Regenerates the bundled catalogues in this directory from the tools installed on this machine.
// Plain Node (no npm packages). Usage, from the repository root:
//   node resources/catalogs/make-catalogs.mjs postfix              -> postfix-<version>.json     (postconf -d)
//   node resources/catalogs/make-catalogs.mjs postfix-history      -> postfix-parameter-history.json (man 5 postconf)
//   node resources/catalogs/make-catalogs.mjs dovecot              -> dovecot-<version>.json     (doveconf -d + a section probe)
//   node resources/catalogs/make-catalogs.mjs postfixadmin-schema  -> postfixadmin-<version>-schema.json (information_schema)
// See README.md for what each file holds and where the hand-written tables come from.
import { execFile, execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts })
const write = (name, data) => {
  writeFileSync(join(here, name), JSON.stringify(data, null, 1) + '\n')
  console.log(`wrote resources/catalogs/${name}`)
}
const sortKeys = (o) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))

/** `name = value` lines (postconf -d, doveconf -d) into an object. */
function parseNameValueLines(text) {
  const out = {}
  for (const line of text.split('\n')) {
    const m = /^([^\s=#]+) =(?: (.*))?$/.exec(line)
    if (m) out[m[1]] = m[2] ?? ''
  }
  return out
}

// Values that describe the build machine rather than Postfix: blanked in the bundled file.
const POSTFIX_HOST_DEPENDENT = ['myhostname', 'mydomain', 'mynetworks', 'process_id', 'process_name', 'inet_interfaces_addresses']
// Parameters the Postfix daemons read with `$name` expansion suppressed ("raw"): their `$x` are runtime macros.
const POSTFIX_RAW = [
  'command_execution_directory', 'forward_path', 'mailbox_command', 'luser_relay', // local(8)
  'default_rbl_reply', 'smtpd_reject_footer', 'smtpd_expansion_filter', // smtpd(8)
  'postscreen_reject_footer', 'postscreen_expansion_filter', 'postscreen_command_time_limit', // postscreen(8)
]
// master.cf service name + suffix = a per-transport parameter (postconf(5) "transport_...").
const POSTFIX_PER_TRANSPORT = [
  'delivery_slot_cost', 'delivery_slot_discount', 'delivery_slot_loan', 'destination_concurrency_failed_cohort_limit',
  'destination_concurrency_limit', 'destination_concurrency_negative_feedback', 'destination_concurrency_positive_feedback',
  'destination_rate_delay', 'destination_recipient_limit', 'extra_recipient_limit', 'initial_destination_concurrency',
  'minimum_delivery_slots', 'recipient_limit', 'recipient_refill_delay', 'recipient_refill_limit', 'time_limit',
  'transport_rate_delay',
]

function postfix() {
  // An empty config directory: no master.cf services (their per-transport parameters are derived at lint time).
  const dir = mkdtempSync(join(tmpdir(), 'pd-postconf-'))
  try {
    writeFileSync(join(dir, 'main.cf'), '')
    const text = run('postconf', ['-c', dir, '-d'], { stdio: ['ignore', 'pipe', 'ignore'] })
    const parameters = parseNameValueLines(text)
    for (const n of POSTFIX_HOST_DEPENDENT) if (n in parameters) parameters[n] = ''
    // Old names still honoured through the new name's default, e.g. virtual_alias_maps = $virtual_maps.
    const legacyNames = {}
    for (const [name, value] of Object.entries(parameters)) {
      if (POSTFIX_RAW.includes(name)) continue
      for (const m of value.matchAll(/\$(?:\{|\()?([A-Za-z0-9_]+)/g)) if (!(m[1] in parameters)) legacyNames[m[1]] = name
    }
    const version = parameters.mail_version
    write(`postfix-${version.split('.').slice(0, 2).join('.')}.json`, {
      product: 'postfix',
      version,
      source: `postconf -c EMPTY_DIR -d (Postfix ${version}, Debian 12 package)`,
      hostDependent: POSTFIX_HOST_DEPENDENT,
      rawParameters: POSTFIX_RAW,
      perTransportSuffixes: POSTFIX_PER_TRANSPORT,
      legacyNames: sortKeys(legacyNames),
      parameters: sortKeys(parameters),
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Version notes in one postconf(5) entry ("This feature is available in Postfix 2.3 and later", renames, removals). */
function versionNotes(text) {
  const t = text.replace(/\s+/g, ' ').replace(/Postix/g, 'Postfix')
  const h = {}
  const avail = '(?:available|introduced) (?:in|with) Postfix (?:version )?'
  const range = new RegExp(avail + '(\\d+\\.\\d+)\\s*(?:-|through)\\s*(\\d+\\.\\d+)').exec(t)
  const both = new RegExp(avail + '(\\d+\\.\\d+) and (\\d+\\.\\d+)\\.').exec(t)
  const earlier = new RegExp(avail + '(\\d+\\.\\d+) and earlier').exec(t)
  const since = new RegExp(avail + '(\\d+\\.\\d+)(?:\\.\\d+)?(?: and later|\\.|,| or later)').exec(t)
  if (range) Object.assign(h, { since: range[1], until: range[2] })
  else if (both) Object.assign(h, { since: both[1], until: both[2] })
  else if (earlier) h.until = earlier[1]
  else if (since) h.since = since[1]
  const renamed = /[Rr]enamed (?:this parameter )?to ([a-z0-9_]+)(?: and changed [^.]*)? in Postfix (?:version )?(\d+\.\d+)/.exec(t) ??
    /replaced by ([a-z0-9_]+) in Postfix (?:version )?(\d+\.\d+)/.exec(t)
  const renamedWith = /With Postfix (?:version )?(\d+\.\d+)(?: and later)?,? (?:this parameter is|it was) renamed to ([a-z0-9_]+)/.exec(t) ??
    /Postfix (?:version )?(\d+\.\d+) renamed this parameter to ([a-z0-9_]+)/.exec(t)
  if (renamed) Object.assign(h, { renamedTo: renamed[1], renamedIn: renamed[2] })
  else if (renamedWith) Object.assign(h, { renamedTo: renamedWith[2], renamedIn: renamedWith[1] })
  const removed = /(?:removed|withdrawn) (?:with|in) Postfix (?:version )?(\d+\.\d+)/.exec(t)
  if (removed) h.removedIn = removed[1]
  return h
}

/** man 5 postconf: the version each parameter and restriction appeared in (and, for withdrawn ones, the last). */
function postfixHistory() {
  const text = run('man', ['-P', 'cat', '5', 'postconf'], { env: { ...process.env, MANWIDTH: '2000', MAN_KEEP_FORMATTING: '' } })
    .replace(new RegExp('.' + String.fromCharCode(8), 'g'), '') // overstrike (bold) sequences
    .replace(/\u2010\s*\n\s*/g, '')
  const entries = {}
  const restrictionText = {}
  let current = null
  let restriction = null
  for (const line of text.split('\n')) {
    const head = /^([a-zA-Z0-9_]+) \(default/.exec(line)
    if (head) {
      current = head[1]
      restriction = null
      entries[current] = ''
      continue
    }
    if (!current) continue
    entries[current] += ' ' + line.trim()
    // Inside smtpd_*_restrictions entries: "       reject_foo [arg]" then an indented description.
    const r = /^ {7}((?:check|permit|reject|defer|warn_if|sleep)[a-z_]*)(?: .*)?$/.exec(line)
    if (r && current.startsWith('smtpd_')) {
      restriction = r[1]
      restrictionText[restriction] ??= ''
    } else if (restriction && /^ {8,}\S/.test(line)) restrictionText[restriction] += ' ' + line.trim()
    else if (restriction && line.trim() && !/^ {8,}/.test(line)) restriction = null
  }
  const parameters = {}
  for (const [name, body] of Object.entries(entries)) {
    const h = versionNotes(body)
    if (Object.keys(h).length) parameters[name] = h
  }
  const restrictions = {}
  for (const [name, body] of Object.entries(restrictionText)) {
    const h = versionNotes(body)
    if (Object.keys(h).length) restrictions[name] = h
  }
  write('postfix-parameter-history.json', {
    source: 'man 5 postconf (Postfix 3.7.11, Debian 12): "This feature is available in Postfix X" and rename notes',
    parameters: sortKeys(parameters),
    restrictions: sortKeys(restrictions),
  })
}

// One of each kind of list section, so that doveconf prints every key of each kind with its default.
const DOVECOT_PROBE = `namespace probe_ns {
  mailbox probe_box {
  }
}
passdb {
  driver = static
}
userdb {
  driver = static
}
metric probe_metric {
  filter = event=probe
}
event_exporter probe_exp {
  format = json
  format_args = time-rfc3339
  transport = log
}
service probe_svc {
  inet_listener probe_inet {
  }
  unix_listener probe_unix {
  }
  fifo_listener probe_fifo {
  }
}
`

/** Parses doveconf's indented output into { settings, sections } (sections by kind: keys -> default). */
function parseDoveconfTree(text) {
  const root = { settings: {}, children: [] }
  const stack = [root]
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    const top = stack[stack.length - 1]
    if (line === '}') {
      stack.pop()
      continue
    }
    const open = /^(\S+)(?: (.+?))? \{$/.exec(line)
    if (open) {
      const node = { kind: open[1], name: open[2] ?? '', settings: {}, children: [] }
      top.children.push(node)
      stack.push(node)
      continue
    }
    const kv = /^([^\s=]+) =(?: (.*))?$/.exec(line)
    if (kv) top.settings[kv[1]] = kv[2] ?? ''
  }
  return root
}

/** ELF files of the installed Dovecot (its setting names are string literals in them). */
function dovecotBinaries() {
  const out = ['/usr/bin/doveconf', '/usr/sbin/dovecot', '/usr/bin/doveadm']
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.isFile() && statSync(p).size > 0 && readFileSync(p).subarray(0, 4).toString('latin1') === '\x7fELF') out.push(p)
    }
  }
  walk('/usr/lib/dovecot')
  return out.filter((p) => existsSync(p))
}

/**
 * doveconf -d does not print every setting it accepts (e.g. mail_cache_min_mail_count), and old names are
 * accepted with an "Obsolete setting" warning. Probe every identifier-like string of the binaries: one
 * `name = 1` file each; "Unknown setting" means unknown, anything else means doveconf knows the name.
 */
async function probeDovecotNames(dir, candidates) {
  const hidden = []
  const obsolete = {}
  let next = 0
  const worker = async () => {
    while (next < candidates.length) {
      const name = candidates[next++]
      const file = join(dir, `${name}.conf`)
      writeFileSync(file, `${name} = 1\n`)
      const stderr = await new Promise((resolve) => execFile('doveconf', ['-c', file, '-n'], (_e, _o, err) => resolve(String(err))))
      if (stderr.includes('Unknown setting')) continue
      const warn = /Obsolete setting in [^:]+:\d+: (.*)/.exec(stderr)
      if (warn) obsolete[name] = warn[1].trim()
      else hidden.push(name)
    }
  }
  await Promise.all(Array.from({ length: Math.max(2, cpus().length) }, worker))
  return { hidden: hidden.sort(), obsolete: sortKeys(obsolete) }
}

async function dovecot() {
  const dir = mkdtempSync(join(tmpdir(), 'pd-doveconf-'))
  try {
    writeFileSync(join(dir, 'empty.conf'), '')
    writeFileSync(join(dir, 'probe.conf'), DOVECOT_PROBE)
    const defaults = run('doveconf', ['-c', join(dir, 'empty.conf'), '-d'], { stdio: ['ignore', 'pipe', 'ignore'] })
    const version = /^# (\d+\.\d+\.\d+(?:\.\d+)?)/m.exec(defaults)?.[1] ?? 'unknown'
    const tree = parseDoveconfTree(defaults)
    const probe = parseDoveconfTree(run('doveconf', ['-c', join(dir, 'probe.conf')], { stdio: ['ignore', 'pipe', 'ignore'] }))
    const sections = {}
    const collect = (node) => {
      for (const c of node.children) {
        if (c.name.startsWith('probe_') || ['passdb', 'userdb'].includes(c.kind)) sections[c.kind] = sortKeys(c.settings)
        collect(c)
      }
    }
    collect(probe)
    const services = {}
    for (const s of tree.children.filter((c) => c.kind === 'service')) {
      services[s.name] = { ...s.settings }
      for (const l of s.children) services[s.name][`${l.kind} ${l.name}`] = l.settings
    }
    const strings = run('strings', ['-n', '4', ...dovecotBinaries()])
    const candidates = [...new Set(strings.split('\n').filter((l) => /^[a-z][a-z0-9_]*_[a-z0-9_]+$/.test(l)))]
      .filter((n) => !(n in tree.settings) && !(n in sections))
      .sort()
    console.log(`probing ${candidates.length} candidate names with doveconf...`)
    const { hidden, obsolete } = await probeDovecotNames(dir, candidates)
    write(`dovecot-${version.split('.').slice(0, 2).join('.')}.json`, {
      product: 'dovecot',
      version,
      source: `doveconf -c EMPTY_FILE -d, doveconf -c PROBE for section keys, and one doveconf -c FILE -n per identifier found in the binaries (Dovecot ${version}, Debian 12 packages)`,
      settings: sortKeys(tree.settings),
      hiddenSettings: hidden,
      obsoleteSettings: obsolete,
      sections: sortKeys(sections),
      services: sortKeys(services),
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Table and column names of the PostfixAdmin schema created by PostfixAdmin's own upgrade.php. */
function postfixadminSchema() {
  const state = JSON.parse(readFileSync(join(here, '../../test/vps/.state/connection.json'), 'utf8'))
  const sql = `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = '${state.db.name}' ORDER BY table_name, ordinal_position`
  const out = run('ip', ['netns', 'exec', state.namespace, 'mysql', '-N', state.db.name, '-e', sql])
  const version = run('ip', ['netns', 'exec', state.namespace, 'mysql', '-N', state.db.name, '-e', "SELECT value FROM config WHERE name = 'version'"]).trim()
  const pkg = run('dpkg-query', ['-W', '-f', '${Version}', 'postfixadmin']).trim()
  const tables = {}
  for (const line of out.split('\n')) {
    const [t, c] = line.split('\t')
    if (t && c) (tables[t] ??= []).push(c)
  }
  write(`postfixadmin-${pkg.split('.').slice(0, 2).join('.')}-schema.json`, {
    product: 'postfixadmin',
    version: pkg,
    schemaVersion: version,
    source: 'information_schema.columns of a database created by PostfixAdmin upgrade.php (Debian 12 package)',
    tables,
  })
}

const steps = { postfix, 'postfix-history': postfixHistory, dovecot, 'postfixadmin-schema': postfixadminSchema }
const wanted = process.argv.slice(2)
for (const name of wanted.length ? wanted : Object.keys(steps)) {
  if (!steps[name]) throw new Error(`unknown step ${name}; one of ${Object.keys(steps).join(', ')}`)
  await steps[name]()
}
