import { describe, expect, it } from 'vitest'
import { brief, lintTexts, withCode } from './lint-helpers'

const CONF = '/etc/dovecot/dovecot.conf'

describe('Dovecot settings for the server version', () => {
  it('an unknown top-level setting stops Dovecot: error with a suggestion', () => {
    const f = lintTexts({ [CONF]: 'mail_locaton = maildir:~/Maildir\n' })
    expect(f.map(brief)).toEqual(['/etc/dovecot/dovecot.conf:1:1 error dovecot.unknown-setting'])
    expect(f[0]!.message).toContain('Did you mean mail_location?')
  })

  it('ssl_protocols: fine on 2.2, replaced by ssl_min_protocol on 2.3 (and !SSLv2 cannot be converted)', () => {
    const text = 'ssl_protocols = !SSLv2 !SSLv3\n'
    expect(lintTexts({ [CONF]: text }, { dovecotVersion: '2.2.10' })).toEqual([])
    const f = lintTexts({ [CONF]: text }, { dovecotVersion: '2.3.19.1' })
    expect(f.map(brief)).toEqual(['/etc/dovecot/dovecot.conf:1:1 warning dovecot.obsolete-setting'])
    expect(f[0]!.message).toContain('use ssl_min_protocol')
    expect(f[0]!.message).toContain("Unrecognized protocol 'SSLv2'")
    expect(f[0]!.hint).toBe('Write ssl_min_protocol = TLSv1.2.')
  })

  it('2.3-only settings on a 2.2 server, and 2.2-only settings that 2.3 refuses', () => {
    const newer = lintTexts({ [CONF]: 'ssl_min_protocol = TLSv1.2\n' }, { dovecotVersion: '2.2.36' })
    expect(newer.map(brief)).toEqual(['/etc/dovecot/dovecot.conf:1:1 error dovecot.setting-too-new'])
    expect(newer[0]!.hint).toBe('On 2.2 use ssl_protocols = !SSLv3 !TLSv1 !TLSv1.1.')
    const stats = lintTexts({ [CONF]: 'stats_memory_limit = 16M\n' }, { dovecotVersion: '2.3.19.1' })
    expect(stats.map(brief)).toEqual(['/etc/dovecot/dovecot.conf:1:1 error dovecot.removed-setting'])
    expect(stats[0]!.message).toContain('use old_stats_memory_limit')
  })

  it('settings doveconf accepts without printing them are not unknown', () => {
    expect(lintTexts({ [CONF]: 'mail_cache_min_mail_count = 10\n' })).toEqual([])
  })

  it('TLS: ssl_protocols leaving SSLv3 on (2.2), ssl_min_protocol = SSLv3', () => {
    expect(lintTexts({ [CONF]: 'ssl_protocols = !SSLv2\n' }, { dovecotVersion: '2.2.10' }).map(brief)).toEqual(['/etc/dovecot/dovecot.conf:1:17 warning dovecot.insecure-tls-protocols'])
    expect(lintTexts({ [CONF]: 'ssl_min_protocol = SSLv3\n' }).map(brief)).toEqual(['/etc/dovecot/dovecot.conf:1:20 warning dovecot.insecure-tls-protocols'])
  })
})

describe('Dovecot sections', () => {
  it('unknown settings inside sections and unknown sections', () => {
    const f = lintTexts({ [CONF]: 'service imap-login {\n  inet_listener imap {\n    prot = 143\n  }\n  proces_limit = 10\n}\nnamspace inbox {\n}\nplugin {\n  anything_goes = yes\n}\n' })
    expect(f.map(brief)).toEqual([
      '/etc/dovecot/dovecot.conf:3:5 error dovecot.unknown-section-setting',
      '/etc/dovecot/dovecot.conf:5:3 error dovecot.unknown-section-setting',
      '/etc/dovecot/dovecot.conf:7:1 error dovecot.unknown-section',
    ])
    expect(f.map((x) => x.message.match(/Did you mean (\w+)/)?.[1])).toEqual(['port', 'process_limit', 'namespace'])
  })

  it('filters: settings allowed, bad nesting refused', () => {
    const f = lintTexts({ [CONF]: 'protocol imap {\n  mail_plugins = $mail_plugins imap_quota\n  protocol pop3 {\n  }\n}\nremote 10.0.0.0/8 {\n  disable_plaintext_auth = no\n}\n' })
    expect(f.map(brief)).toEqual(['/etc/dovecot/dovecot.conf:3:3 error dovecot.bad-nesting'])
  })

  it('an undefined $variable, a same-file duplicate, and a missing include', () => {
    const f = lintTexts(
      { [CONF]: 'mail_plugins = $mail_plugin quota\nauth_mechanisms = plain\nauth_mechanisms = plain login\n!include conf.d/*.conf\n' },
      { complete: true },
    )
    expect(f.map(brief)).toEqual([
      '/etc/dovecot/dovecot.conf:1:16 warning dovecot.undefined-variable',
      '/etc/dovecot/dovecot.conf:2:1 warning dovecot.duplicate-setting',
      '/etc/dovecot/dovecot.conf:4:10 error dovecot.include-missing',
    ])
    expect(withCode(lintTexts({ [CONF]: '!include conf.d/*.conf\n' }), 'dovecot.include-missing')[0]!.severity).toBe('info')
  })
})
