import { AppError } from '../../../shared/errors'

/** How far a connection attempt got: says which step a timeout or a drop happened in. */
export type ConnectPhase = 'tcp' | 'handshake' | 'auth'

export interface ConnectAttempt {
  host: string
  port: number
  user: string
  keyPath?: string
  keyType?: string
  localAddress?: string
  phase: ConnectPhase
  readyTimeoutMs: number
  /** Auth methods this client tried, in order. */
  triedMethods: string[]
  /** Methods the server said may continue, once it has said (after the first failure). */
  serverMethods?: string[]
  /** Methods of the profile that were not tried, with why (e.g. "password (none stored)"). */
  skipped?: string[]
  /** Set when this host is reached through jump hosts: "via bastion.example:22". */
  via?: string
}

const PHASE_TEXT: Record<ConnectPhase, string> = {
  tcp: 'opening the TCP connection',
  handshake: 'the SSH handshake (no SSH greeting or key exchange answer from the server)',
  auth: 'authentication',
}

type SshError = Error & { code?: string | number; level?: string }

/** ssh2/socket errors as AppErrors with precise codes and messages that say what to check. */
export function connectError(e: unknown, a: ConnectAttempt): AppError {
  if (e instanceof AppError) return e
  const err = (e instanceof Error ? e : new Error(String(e))) as SshError
  const where = `${a.host} port ${a.port}${a.via ? ` (${a.via})` : ''}`
  const from = a.localAddress ? ` from ${a.localAddress}` : ''
  const detail = { host: a.host, port: a.port, phase: a.phase, ...(a.localAddress ? { localAddress: a.localAddress } : {}) }

  switch (err.code) {
    case 'ECONNREFUSED':
      return new AppError('refused', `${where} refused the connection${from}: nothing listens there, or a firewall rejects it. Check the host, the port and that sshd is running.`, detail)
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new AppError('unreachable', `${where} cannot be reached${from} (${err.code}): no route to that address. Check the address and your network.`, detail)
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new AppError('unreachable', `The host name ${a.host} could not be resolved (${err.code}). Check its spelling and your DNS.`, detail)
    case 'EADDRNOTAVAIL':
      return new AppError('unreachable', `Cannot connect from local address ${a.localAddress ?? '(default)'}: it is not an address of this computer (EADDRNOTAVAIL). Fix or clear the profile's local address.`, detail)
    case 'ETIMEDOUT':
      return new AppError('timeout', `Timed out ${PHASE_TEXT.tcp} to ${where}${from}. A firewall may drop the packets, or the host is down.`, detail)
    case 'ECONNRESET':
    case 'EPIPE':
      return new AppError('disconnected', `${where} reset the connection during ${PHASE_TEXT[a.phase]}${from}. The server may block your address (firewall, TCP wrappers, fail2ban).`, detail)
  }

  if (err.level === 'client-timeout') {
    const s = Math.round(a.readyTimeoutMs / 100) / 10
    return new AppError('timeout', `Timed out after ${s} s during ${PHASE_TEXT[a.phase]} with ${where}${from}.`, detail)
  }
  if (err.level === 'client-dns') return new AppError('unreachable', `The host name ${a.host} could not be resolved. Check its spelling and your DNS.`, detail)
  if (err.level === 'client-authentication') {
    const tried = a.triedMethods.length ? a.triedMethods.map((m) => (m === 'publickey' ? `publickey (${a.keyType ?? 'unknown'} key ${a.keyPath ?? '?'})` : m === 'agent' ? 'agent (the keys of the ssh-agent)' : m)).join(', ') : 'none'
    const skipped = a.skipped?.length ? ` Not tried: ${a.skipped.join(', ')}.` : ''
    const accepts = a.serverMethods?.length ? ` The server accepts: ${a.serverMethods.join(', ')}.` : ''
    const hint = a.triedMethods.some((m) => m === 'publickey' || m === 'agent')
      ? ` Check that the matching public key is in ~${a.user}/.ssh/authorized_keys on the server.`
      : ' Check the user name and the stored password.'
    return new AppError(
      'auth-failed',
      `${where} refused to log in ${a.user}. Tried: ${tried}.${skipped}${accepts}${hint}`,
      { ...detail, user: a.user, triedMethods: a.triedMethods, ...(a.serverMethods ? { serverMethods: a.serverMethods } : {}), ...(a.skipped?.length ? { skipped: a.skipped } : {}) },
    )
  }
  if (err.level === 'protocol' && /before handshake/i.test(err.message)) {
    return new AppError('disconnected', `${where} closed the connection before the SSH handshake${from}. The server may block your address (firewall, TCP wrappers, fail2ban, MaxStartups).`, detail)
  }
  if (err.level === 'handshake') {
    const code = /no matching/i.test(err.message) ? 'unsupported' : 'disconnected'
    return new AppError(code, `The SSH handshake with ${where} failed: ${err.message}.`, detail)
  }
  if (typeof err.code === 'number') {
    // An SSH_MSG_DISCONNECT from the server, e.g. "Too many authentication failures".
    return new AppError('disconnected', `${where} ended the session during ${PHASE_TEXT[a.phase]}: ${err.message}.`, detail)
  }
  return new AppError('internal', `Connecting to ${where} failed: ${err.message}`, detail)
}
