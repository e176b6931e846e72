import { toErrorShape } from '../../shared/errors'

/**
 * The one line `postdesk: <reason>` for stderr. Host-key errors get CLI wording that names the flag or
 * command to use; anything else is the error's message folded onto one line.
 */
export function formatCliError(e: unknown, ctx: { server?: string } = {}): string {
  const shape = toErrorShape(e)
  const d = shape.detail ?? {}
  const where = typeof d['host'] === 'string' ? (d['port'] === 22 || d['port'] === undefined ? d['host'] : `[${d['host']}]:${String(d['port'])}`) : 'the server'
  if (shape.code === 'host-key-unknown' && typeof d['fingerprint'] === 'string') {
    const key = `${String(d['algorithm'] ?? 'host')} key ${d['fingerprint']}`
    if (typeof d['acceptedFingerprint'] === 'string') {
      return `postdesk: ${where} offers the ${key}, not ${d['acceptedFingerprint']} given with --accept-host-key; not connected`
    }
    return `postdesk: unknown host key for ${where}: ${key}; if that is the server's key (ssh-keygen -lf on the server), run again with --accept-host-key ${d['fingerprint']}`
  }
  if (shape.code === 'host-key-mismatch' && typeof d['fingerprint'] === 'string') {
    const forget = ctx.server ? `postdesk server forget-key ${ctx.server}` : 'postdesk server forget-key <server>'
    return (
      `postdesk: HOST KEY CHANGED for ${where}: stored ${String(d['storedFingerprint'])} (line ${String(d['line'])} of ${String(d['knownHostsPath'])}), ` +
      `offered ${d['fingerprint']}; not connected (possible man-in-the-middle). If the change is expected, run \`${forget}\` and connect again with --accept-host-key ${d['fingerprint']}`
    )
  }
  return `postdesk: ${oneLine(shape.message)}`
}

export function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim()
}
