import { describe, expect, it } from 'vitest'
import { usesMysqlMaps } from '../../../electron/services/system/database-follow-up'

describe('whether Postfix uses MySQL lookup tables (postconf -n / postconf -P output)', () => {
  it('finds proxy:mysql: and mysql: maps in main.cf settings and master.cf overrides', () => {
    expect(usesMysqlMaps('myhostname = mx.example.org\nvirtual_mailbox_domains = proxy:mysql:/etc/postfix/sql/mysql_virtual_domains_maps.cf\n')).toBe(true)
    expect(usesMysqlMaps('virtual_alias_maps = hash:/etc/postfix/virtual, mysql:/etc/postfix/mysql-aliases.cf\n')).toBe(true)
    expect(usesMysqlMaps('virtual_alias_maps = hash:/etc/postfix/virtual,mysql:/etc/postfix/a.cf\n')).toBe(true)
    expect(usesMysqlMaps('submission/inet/smtpd_sender_login_maps = proxy:mysql:/etc/postfix/sql/login.cf\n')).toBe(true)
    // a map named indirectly: the parameter that holds it is in postconf -n too
    expect(usesMysqlMaps('my_maps = mysql:/etc/postfix/m.cf\nvirtual_alias_maps = $my_maps\n')).toBe(true)
  })

  it('ignores other map types and mysql in names or paths', () => {
    expect(usesMysqlMaps('')).toBe(false)
    expect(usesMysqlMaps('virtual_alias_maps = pgsql:/etc/postfix/pgsql-aliases.cf, hash:/etc/postfix/mysql-aliases\n')).toBe(false)
    expect(usesMysqlMaps('alias_maps = hash:/etc/aliases\nvirtual_mailbox_maps = ldap:/etc/postfix/mysql:backup.cf\n')).toBe(false)
    expect(usesMysqlMaps('# mysql: is not used here\nmydestination = localhost\n')).toBe(false)
  })
})
