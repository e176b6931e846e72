import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { globFiles } from '../../../electron/services/config/fs-glob'
import { loadConfigFiles } from '../../../electron/services/config/load-config-files'
import { FIXTURES } from './fixture-set'

describe('reading local config files', () => {
  it('globFiles matches like glob(3): byte order, no directories, braces', async () => {
    const dir = join(FIXTURES, 'debian-12/etc/dovecot')
    const confs = await globFiles(`${dir}/conf.d/*.conf`)
    expect(confs[0]).toBe(`${dir}/conf.d/10-auth.conf`)
    expect(confs.every((p) => p.endsWith('.conf'))).toBe(true)
    expect(await globFiles(`${dir}/conf.d/{10-ssl,20-imap}.conf`)).toEqual([`${dir}/conf.d/10-ssl.conf`, `${dir}/conf.d/20-imap.conf`])
    expect(await globFiles(`${dir}/*`)).not.toContain(`${dir}/conf.d`)
  })

  it('without --root: server paths are local paths, Dovecot includes are followed, references outside the given directories are not', async () => {
    const seedMain = join(FIXTURES, 'seed-centos6/main.cf')
    const r = await loadConfigFiles([seedMain])
    expect(r.files.map((f) => f.path)).toEqual([seedMain])
    const dovecot = join(FIXTURES, 'debian-12/etc/dovecot/dovecot.conf')
    const d = await loadConfigFiles([dovecot])
    expect(d.files.length).toBe(1 + 18 + 1)
    expect(d.files.map((f) => f.path)).toContain(join(FIXTURES, 'debian-12/etc/dovecot/conf.d/auth-system.conf.ext'))
  })

  it('with --root: paths are server paths and absolute references resolve under the root', async () => {
    const root = join(FIXTURES, 'test-server-debian12')
    const r = await loadConfigFiles([join(root, 'etc/postfix/main.cf')], { root })
    expect(r.files.map((f) => f.path).sort()).toEqual([
      '/etc/aliases',
      '/etc/postfix/main.cf',
      '/etc/postfix/sql/mysql_virtual_alias_domain_catchall_maps.cf',
      '/etc/postfix/sql/mysql_virtual_alias_domain_mailbox_maps.cf',
      '/etc/postfix/sql/mysql_virtual_alias_domain_maps.cf',
      '/etc/postfix/sql/mysql_virtual_alias_maps.cf',
      '/etc/postfix/sql/mysql_virtual_domains_maps.cf',
      '/etc/postfix/sql/mysql_virtual_mailbox_maps.cf',
    ])
    expect(r.localPaths.get('/etc/aliases')).toBe(join(root, 'etc/aliases'))
  })
})
