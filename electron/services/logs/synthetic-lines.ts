// Realistic generated mail log lines (message flows, rejects, SASL and IMAP failures) for the test
// harness's load test: they go through the same pipeline as lines from a server.

const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

function stamp(ms: number): string {
  const d = new Date(ms)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${MON[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`
}

/** `count` lines starting at `startMs`, about `perSecond` a second of log time. */
export function syntheticLines(count: number, startMs = Date.now() - count * 2, perSecond = 500, seed = 1): string[] {
  const out: string[] = []
  let n = seed
  const host = 'mx'
  while (out.length < count) {
    const t = stamp(startMs + (out.length * 1000) / perSecond)
    const q = (0x10000 + ((n * 2654435761) >>> 0) % 0xeffff).toString(16).toUpperCase() + (n % 16).toString(16).toUpperCase()
    const ip = `198.51.100.${n % 250}`
    const user = `user${n % 40}@example.test`
    switch (n % 8) {
      case 0:
      case 1:
      case 2:
        out.push(
          `${t} ${host} postfix/smtpd[${1000 + (n % 90)}]: ${q}: client=mail${n % 30}.example.net[${ip}]`,
          `${t} ${host} postfix/cleanup[2001]: ${q}: message-id=<${n}@example.net>`,
          `${t} ${host} postfix/qmgr[900]: ${q}: from=<sender${n % 17}@example.net>, size=${2000 + (n % 5000)}, nrcpt=1 (queue active)`,
          n % 11 === 0
            ? `${t} ${host} postfix/smtp[3001]: ${q}: to=<${user}>, relay=remote.example.org[203.0.113.5]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=4.4.1, status=deferred (connect to remote.example.org[203.0.113.5]:25: Connection timed out)`
            : n % 13 === 0
              ? `${t} ${host} postfix/smtp[3001]: ${q}: to=<${user}>, relay=remote.example.org[203.0.113.5]:25, delay=0.9, delays=0.1/0/0.3/0.5, dsn=5.1.1, status=bounced (host remote.example.org[203.0.113.5] said: 550 5.1.1 User unknown (in reply to RCPT TO command))`
              : `${t} ${host} postfix/lmtp[3002]: ${q}: to=<${user}>, relay=mx[private/dovecot-lmtp], delay=0.05, delays=0.01/0/0.01/0.03, dsn=2.0.0, status=sent (250 2.0.0 <${user}> Saved)`,
          `${t} ${host} postfix/qmgr[900]: ${q}: removed`,
        )
        break
      case 3:
        out.push(`${t} ${host} postfix/smtpd[${1000 + (n % 90)}]: NOQUEUE: reject: RCPT from unknown[${ip}]: 550 5.1.1 <nobody${n % 9}@example.test>: Recipient address rejected: User unknown in virtual mailbox table; from=<spam@example.com> to=<nobody${n % 9}@example.test> proto=ESMTP helo=<spam>`)
        break
      case 4:
        out.push(`${t} ${host} postfix/smtpd[${1000 + (n % 90)}]: warning: unknown[${ip}]: SASL LOGIN authentication failed: UGFzc3dvcmQ6`)
        break
      case 5:
        out.push(`${t} ${host} dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<${user}>, method=PLAIN, rip=${ip}, lip=10.0.0.2, session=<abc${n}>`)
        break
      case 6:
        out.push(`${t} ${host} dovecot: imap-login: Login: user=<${user}>, method=PLAIN, rip=192.0.2.${n % 200}, lip=10.0.0.2, mpid=${5000 + n}, TLS, session=<def${n}>`)
        break
      default:
        out.push(`${t} ${host} postfix/smtpd[${1000 + (n % 90)}]: connect from unknown[${ip}]`)
    }
    n++
  }
  return out.slice(0, count)
}
