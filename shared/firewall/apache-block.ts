export const APACHE_BEGIN = '# BEGIN POSTDESK ALLOWLIST (managed by Postdesk: edits between these markers are replaced)'
export const APACHE_END = '# END POSTDESK ALLOWLIST'

/** The access block for PostfixAdmin's path: `Allow from` (Apache 2.2, as in the reference notes) or `Require ip` (2.4). */
export function apacheBlock(version: '2.2' | '2.4', webPath: string, allowed: string[]): string[] {
  const body =
    version === '2.2'
      ? ['    Order deny,allow', '    Deny from all', ...(allowed.length ? [`    Allow from ${allowed.join(' ')}`] : [])]
      : [allowed.length ? `    Require ip ${allowed.join(' ')}` : '    Require all denied']
  return [APACHE_BEGIN, `<Location ${webPath}>`, ...body, '</Location>', APACHE_END]
}

/** The lines between (and including) the markers, or [] when the file has no block yet. */
export function apacheOwned(conf: string): string[] {
  const lines = conf.split('\n')
  const b = lines.indexOf(APACHE_BEGIN)
  const e = lines.indexOf(APACHE_END, b + 1)
  return b >= 0 && e > b ? lines.slice(b, e + 1) : []
}

/** The file with the owned block replaced (or appended); text outside the markers is kept byte for byte. */
export function withApacheBlock(conf: string, block: string[]): string {
  const lines = conf.split('\n')
  const b = lines.indexOf(APACHE_BEGIN)
  const e = lines.indexOf(APACHE_END, b + 1)
  if (b >= 0 && e > b) return [...lines.slice(0, b), ...block, ...lines.slice(e + 1)].join('\n')
  const base = conf.length === 0 || conf.endsWith('\n') ? conf : conf + '\n'
  return base + block.join('\n') + '\n'
}

/** `Server version: Apache/2.4.57 (Debian)` -> '2.4'. */
export function apacheVersionOf(v: string): '2.2' | '2.4' | null {
  const m = /Apache\/2\.(\d+)/.exec(v)
  if (!m) return null
  return Number(m[1]) >= 4 ? '2.4' : '2.2'
}
