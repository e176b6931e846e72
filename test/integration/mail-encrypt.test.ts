// For each $CONF['encrypt'] setting Dovecot can verify from the stored {SCHEME} prefix (or crypt(3)
// magic): set it in config.local.php, read it back through the server's own php, create a mailbox with
// Postdesk, then `doveadm auth test` and a real IMAP login accept the password and refuse a wrong one.
// config.local.php is restored afterwards, also when a test fails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MailService } from '../../electron/services/mail/mail-service'
import { doveadmAuth, imapLogin, lockConfigLocal, patchConfigLocal, pfaView, serverSettings, TunnelDatabase, uniqueDomain } from './support/mail-fixture'
import { loadConnection } from './support/vps'

const conn = loadConnection()
let db: TunnelDatabase
let domain: string
let restore: (() => void) | undefined
let unlock: (() => void) | undefined

const settings = [
  'md5crypt',
  'sha512.b64',
  'php_crypt:MD5',
  'php_crypt:SHA256',
  'php_crypt:SHA512',
  'php_crypt:BLOWFISH',
  'dovecot:SHA512-CRYPT',
  'dovecot:SHA256-CRYPT',
  'dovecot:MD5-CRYPT',
  'dovecot:BLF-CRYPT',
  'dovecot:SSHA512',
  'dovecot:PLAIN-MD5',
  'dovecot:CRAM-MD5',
  'dovecot:ARGON2I',
  'dovecot:ARGON2ID',
]

beforeAll(async () => {
  unlock = await lockConfigLocal()
  db = await TunnelDatabase.open(conn)
  domain = uniqueDomain()
  const s = await serverSettings()
  await new MailService({ databaseOf: () => db, settingsOf: async () => s, actor: 'Postdesk (integration test)' }).createDomain('srv', { domain, mailboxes: 0, defaultAliases: false })
})

afterAll(async () => {
  restore?.()
  unlock?.()
  const s = await serverSettings()
  await new MailService({ databaseOf: () => db, settingsOf: async () => s, actor: 'Postdesk (integration test)' }).deleteDomain('srv', domain).catch(() => undefined)
  await db.query('DELETE FROM log WHERE domain = ?', [domain])
  await db.close()
})

describe.each(settings)("$CONF['encrypt'] = %s", (encrypt) => {
  it('a mailbox created by Postdesk logs in over doveadm and IMAP; a wrong password fails', { timeout: 120_000 }, async () => {
    restore = patchConfigLocal([`$CONF['encrypt'] = '${encrypt}';`])
    try {
      const s = await serverSettings()
      expect(s.encrypt).toBe(encrypt)
      const mail = new MailService({ databaseOf: () => db, settingsOf: async () => s, actor: 'Postdesk (integration test)' })
      const local = encrypt.replace(/[^a-z0-9]/gi, '').toLowerCase()
      const password = `Pw${local}-42sw`
      const m = await mail.createMailbox('srv', { localPart: local, domain, password, name: encrypt })
      expect((await pfaView('mailbox', m.username))?.Name).toBe(encrypt)
      expect(await doveadmAuth(m.username, password), 'doveadm auth test').toBe(true)
      // the good login first: Dovecot's auth penalty for earlier failures from this address can make
      // a slow scheme (argon2) miss imap-login's auth timeout, so a refused good login is tried again
      let ok = false
      for (let i = 0; i < 3 && !ok; i++) {
        if (i) await new Promise((r) => setTimeout(r, 3000))
        ok = (await imapLogin(conn.host, m.username, password)).ok
      }
      expect(ok, 'IMAP login').toBe(true)
      expect(await doveadmAuth(m.username, `${password}x`)).toBe(false)
      expect((await imapLogin(conn.host, m.username, 'Wrong-pass-99')).ok).toBe(false)
    } finally {
      restore?.()
      restore = undefined
    }
  })
})
