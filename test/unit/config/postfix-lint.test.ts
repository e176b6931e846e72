import { describe, expect, it } from 'vitest'
import { brief, lintTexts, withCode } from './lint-helpers'

const MAIN = '/etc/postfix/main.cf'
const MASTER = '/etc/postfix/master.cf'
const SMTPD = 'smtp      inet  n       -       y       -       -       smtpd\n'
/** A main.cf that satisfies the relay guard, so tests see only what they are about. */
const base = 'compatibility_level = 3.6\n'

describe('Postfix parameter names', () => {
  it('unknown parameter: warning with "did you mean", at the name', () => {
    const f = lintTexts({ [MAIN]: base + 'smtpd_recipient_restriction = permit_mynetworks, reject_unauth_destination\n', [MASTER]: SMTPD })
    expect(f.map(brief)).toEqual(['/etc/postfix/main.cf:2:1 warning postfix.unknown-parameter'])
    expect(f[0]!.message).toContain('Did you mean smtpd_recipient_restrictions?')
    expect(f[0]!.endColumn).toBe(28)
  })

  it('knows user-defined parameters by reference, restriction classes, legacy dbms prefixes and per-transport names', () => {
    const f = lintTexts({
      [MAIN]:
        base +
        'my_nets = 10.0.0.0/8\nmynetworks = $my_nets\nsmtpd_restriction_classes = strict\nstrict = reject_unknown_sender_domain\n' +
        'virtual_alias_maps = mysql:legacy\nlegacy_hosts = db\nrelay_destination_concurrency_limit = 2\nvirtual_maps = hash:/etc/v\n',
      [MASTER]: SMTPD + 'relay     unix  -       -       y       -       -       smtp\n',
    })
    expect(f.filter((x) => x.severity !== 'info').map(brief)).toEqual(['/etc/postfix/main.cf:9:1 warning postfix.deprecated-parameter'])
    expect(f.find((x) => x.code === 'postfix.deprecated-parameter')!.message).toContain('renamed in Postfix 2.0; the current parameter is virtual_alias_maps')
  })

  it('a per-transport parameter needs its master.cf service', () => {
    const f = lintTexts({ [MAIN]: base + 'dovecot_destination_recipient_limit = 1\n', [MASTER]: SMTPD })
    expect(f.map(brief)).toEqual(['/etc/postfix/main.cf:2:1 warning postfix.unused-transport-parameter'])
  })

  it('set twice: the earlier line is marked, pointing at the later one', () => {
    const f = lintTexts({ [MAIN]: base + 'message_size_limit = 1000\nmyhostname = a\nmessage_size_limit = 2000\n', [MASTER]: SMTPD })
    expect(f.map(brief)).toEqual(['/etc/postfix/main.cf:2:1 warning postfix.duplicate-parameter'])
    expect(f[0]!.message).toContain('set again on line 4')
    expect(f[0]!.related?.[0]).toMatchObject({ line: 4, column: 1 })
  })

  it('undefined $parameter (defaults and master.cf -o are defined), runtime macros of raw parameters are not', () => {
    const f = lintTexts({
      [MAIN]: base + 'smtpd_banner = $myhostname ESMTP $mail_nme\nalias_maps = hash:${config_directory}/aliases $only_in_master\ndefault_rbl_reply = $rbl_code $client_address\n',
      [MASTER]: SMTPD + '  -o only_in_master=x\n  -o syslog_name=postfix/$service_name\n',
    })
    expect(withCode(f, 'postfix.undefined-parameter').map(brief)).toEqual(['/etc/postfix/main.cf:2:34 warning postfix.undefined-parameter'])
    expect(withCode(f, 'postfix.undefined-parameter')[0]!.message).toContain('Did you mean $mail_name?')
  })

  it('a trailing "# comment" is part of the value', () => {
    const f = lintTexts({ [MAIN]: base + 'myhostname = mail.example.com # the name\n', [MASTER]: SMTPD })
    expect(f.map(brief)).toEqual(['/etc/postfix/main.cf:2:31 warning postfix.inline-comment'])
  })

  it('version-aware: a parameter newer than the server, a deprecation only from its version on', () => {
    const text = 'smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination\ndisable_dns_lookups = yes\n'
    expect(lintTexts({ [MAIN]: text }, { postfixVersion: '2.6.6' }).map(brief)).toEqual(['/etc/postfix/main.cf:1:1 warning postfix.parameter-too-new'])
    expect(lintTexts({ [MAIN]: text }, { postfixVersion: '3.7.11' }).map(brief)).toEqual(['/etc/postfix/main.cf:2:1 warning postfix.deprecated-parameter'])
  })
})

describe('Postfix restriction lists', () => {
  const lint = (value: string, extra = '') => lintTexts({ [MAIN]: base + extra + `smtpd_recipient_restrictions = ${value}\n`, [MASTER]: SMTPD })

  it('unknown restriction: an error (smtpd answers 451), with a suggestion', () => {
    const f = lint('permit_mynetworks, reject_unauth_destinaton')
    expect(f.map(brief)).toContain('/etc/postfix/main.cf:2:51 error postfix.unknown-restriction')
    expect(withCode(f, 'postfix.unknown-restriction')[0]!.message).toContain('Did you mean reject_unauth_destination?')
  })

  it('anything after permit is never evaluated', () => {
    const f = lint('permit_mynetworks, permit, reject_unauth_destination')
    expect(withCode(f, 'postfix.unreachable-restrictions').map(brief)).toEqual(['/etc/postfix/main.cf:2:59 warning postfix.unreachable-restrictions'])
  })

  it('a $parameter in a restriction list is checked as what it expands to', () => {
    const f = lintTexts({
      [MAIN]: base + 'mua_client_restrictions = permit_sasl_authenticated, reject\nmua_typo = permit_sasl_authenticated, rejct\n',
      [MASTER]: SMTPD + 'submission inet n - y - - smtpd\n  -o smtpd_client_restrictions=$mua_client_restrictions\n  -o smtpd_helo_restrictions=$mua_typo\n',
    })
    expect(f.map(brief)).toEqual(['/etc/postfix/master.cf:4:30 error postfix.unknown-restriction'])
    expect(f[0]!.message).toContain('"rejct" in smtpd_helo_restrictions')
  })

  it('restrictions that need an argument', () => {
    const f = lint('check_client_access, reject_rbl_client, reject_unauth_destination')
    expect(withCode(f, 'postfix.restriction-missing-argument').map((x) => x.column)).toEqual([32, 53])
  })

  it('the relay guard: smtpd refuses to start without reject_unauth_destination somewhere', () => {
    const open = lintTexts({ [MAIN]: 'smtpd_recipient_restrictions = permit_mynetworks, permit_sasl_authenticated\n', [MASTER]: SMTPD })
    expect(withCode(open, 'postfix.relay-guard-missing').map(brief)).toEqual(['/etc/postfix/main.cf:1:32 error postfix.relay-guard-missing'])
    // compatibility_level >= 1 brings a default smtpd_relay_restrictions with defer_unauth_destination
    expect(withCode(lintTexts({ [MAIN]: base, [MASTER]: SMTPD }), 'postfix.relay-guard-missing')).toEqual([])
    // a permit before the guard does not count; per service with -o
    const svc = lintTexts({
      [MAIN]: base,
      [MASTER]: SMTPD + 'submission inet n - y - - smtpd\n  -o smtpd_relay_restrictions=permit,reject_unauth_destination\n',
    })
    expect(withCode(svc, 'postfix.relay-guard-missing').map((x) => x.message.slice(0, 27))).toEqual(['Service submission/inet: ne'])
  })

  it('deprecated restriction names, and names too new for the server', () => {
    expect(withCode(lint('reject_invalid_hostname, reject_unauth_destination'), 'postfix.deprecated-restriction')[0]!.message).toContain('use reject_invalid_helo_hostname')
    const old = lintTexts({ [MAIN]: 'smtpd_helo_restrictions = reject_invalid_helo_hostname\n' }, { postfixVersion: '2.2.10' })
    expect(withCode(old, 'postfix.restriction-too-new')[0]!.hint).toBe('On this version write reject_invalid_hostname.')
  })

  it('blocklists: URI lists, retired and everything-listing zones, wrong kind', () => {
    const f = lint(
      'reject_rbl_client multi.surbl.org, reject_rbl_client black.uribl.com, reject_rbl_client list.dsbl.org, reject_rbl_client dnsbl.ahbl.org, reject_rhsbl_sender zen.spamhaus.org, reject_rbl_client bl.spamcop.net, reject_rbl_client all.rbl.jp, reject_unauth_destination',
    )
    expect(f.map((x) => `${x.column} ${x.severity} ${x.code}`)).toEqual([
      '50 warning postfix.uri-blocklist-as-dnsbl',
      '85 warning postfix.uri-blocklist-as-dnsbl',
      '120 warning postfix.dnsbl-retired',
      '153 error postfix.dnsbl-lists-everything',
      '189 warning postfix.dnsbl-wrong-kind',
    ])
  })

  it('postscreen_dnsbl_sites zones with filters and weights', () => {
    const f = lintTexts({ [MAIN]: base + 'postscreen_dnsbl_sites = zen.spamhaus.org*3, list.dsbl.org*2 multi.uribl.com=127.0.0.[2..255]\n', [MASTER]: SMTPD })
    expect(f.map(brief)).toEqual(['/etc/postfix/main.cf:2:46 warning postfix.dnsbl-retired', '/etc/postfix/main.cf:2:62 warning postfix.uri-blocklist-as-dnsbl'])
  })

  it('TLS protocol lists that leave SSLv2/SSLv3 on; the seed form !SSLv2, !SSLv3 is fine', () => {
    const f = lintTexts({ [MAIN]: base + 'smtpd_tls_protocols = !SSLv2\nsmtp_tls_protocols = !SSLv2, !SSLv3\nsmtpd_tls_mandatory_protocols = >=TLSv1.2\nlmtp_tls_protocols = TLSv1.2, SSLv4\n', [MASTER]: SMTPD })
    expect(f.map(brief)).toEqual(['/etc/postfix/main.cf:2:23 warning postfix.insecure-tls-protocols', '/etc/postfix/main.cf:5:31 warning postfix.unknown-tls-protocol'])
    expect(f[0]!.message).toContain('leaves SSLv3 enabled')
  })
})

describe('master.cf', () => {
  it('duplicate inet service is an error, overrides are linted like main.cf', () => {
    const f = lintTexts({ [MAIN]: base, [MASTER]: SMTPD + SMTPD.replace('smtp ', 'smtp ') + '  -o smtpd_tls_securty_level=encrypt\n' })
    expect(f.map(brief)).toEqual(['/etc/postfix/master.cf:2:1 error postfix.duplicate-service', '/etc/postfix/master.cf:3:6 warning postfix.unknown-parameter'])
    expect(f[1]!.message).toContain('Did you mean smtpd_tls_security_level?')
  })
})
