import { AppError } from '../../../shared/errors'
import { knownHostsName, type KnownHostLine } from './known-hosts-format'
import { sha256Fingerprint } from './fingerprint'

export interface OfferedKey {
  host: string
  port: number
  algorithm: string
  fingerprint: string
}

/** First contact: the user has to compare the fingerprint and accept it (trust on first use). */
export function hostKeyUnknownError(k: OfferedKey, acceptedFingerprint?: string): AppError {
  const name = knownHostsName(k.host, k.port)
  const detail = { algorithm: k.algorithm, fingerprint: k.fingerprint, host: k.host, port: k.port }
  if (acceptedFingerprint) {
    return new AppError(
      'host-key-unknown',
      `The host key of ${name} is ${k.algorithm} ${k.fingerprint}, not the ${acceptedFingerprint} that was accepted. Not connected: check the fingerprint on the server (ssh-keygen -lf ${serverKeyFile(k.algorithm)}).`,
      { ...detail, acceptedFingerprint },
    )
  }
  return new AppError(
    'host-key-unknown',
    `The authenticity of host ${name} can't be established. Its ${k.algorithm} key fingerprint is ${k.fingerprint}. Compare it with the server's (ssh-keygen -lf ${serverKeyFile(k.algorithm)}) and accept it to connect.`,
    detail,
  )
}

/** The stored key differs from the offered one: refuse, and say how to proceed if the change is expected. */
export function hostKeyMismatchError(k: OfferedKey, stored: KnownHostLine, appStorePath: string): AppError {
  const knownHostsPath = stored.file ?? appStorePath
  const name = knownHostsName(k.host, k.port)
  const storedFingerprint = sha256Fingerprint(Buffer.from(stored.keyBase64, 'base64'))
  const message = [
    `WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED for ${name}!`,
    'Someone could be eavesdropping on you right now (man-in-the-middle attack), or the host key has just been changed.',
    `Stored ${stored.keyType} key: ${storedFingerprint} (line ${stored.lineNo} of ${knownHostsPath})`,
    `Offered ${k.algorithm} key: ${k.fingerprint}`,
    ...(knownHostsPath === appStorePath
      ? [
          'Postdesk did not connect. If you know the key was changed on purpose, remove the old key in Postdesk',
          `("Forget host key" for this server, or \`postdesk server forget-key <server>\`), or delete line ${stored.lineNo} of ${knownHostsPath}, then connect again and accept the new fingerprint.`,
        ]
      : [
          `Postdesk did not connect. The old key is in your OpenSSH known_hosts, which Postdesk only reads. If you know the key was changed on purpose,`,
          `remove it with \`ssh-keygen -R ${name} -f ${knownHostsPath}\` (or delete line ${stored.lineNo}), then connect again and accept the new fingerprint.`,
        ]),
  ].join('\n')
  return new AppError('host-key-mismatch', message, {
    algorithm: k.algorithm,
    fingerprint: k.fingerprint,
    host: k.host,
    port: k.port,
    storedAlgorithm: stored.keyType,
    storedFingerprint,
    knownHostsPath,
    line: stored.lineNo,
  })
}

function serverKeyFile(algorithm: string): string {
  const short = algorithm === 'ssh-ed25519' ? 'ed25519' : algorithm.startsWith('ecdsa-') ? 'ecdsa' : algorithm === 'ssh-rsa' ? 'rsa' : '*'
  return `/etc/ssh/ssh_host_${short}_key.pub`
}
