import { describe, expect, it } from 'vitest'
import { readPhpConf } from '../../../shared/config/postfixadmin/php-conf-reader'
import { sqlQueryNames } from '../../../shared/config/postfixadmin/sql-references'
import { fixtureText } from './fixture-set'

describe('readPhpConf', () => {
  it('reads literal $CONF assignments; the last one wins; non-literals are marked', () => {
    const text = `<?php\n// $CONF['encrypt'] = 'no';\n$CONF['encrypt'] = 'md5crypt';\n/* $CONF['x'] = 1; */\n$CONF['quota'] = "YES";\n$CONF['list'] = array('a', "b" , 3);\n$CONF['map'] = ['k' => true, 'n' => null];\n$CONF['dyn'] = getenv('X');\n$CONF['encrypt'] = 'dovecot:SHA512-CRYPT';\n`
    const c = readPhpConf(text)
    expect(c.values.get('encrypt')?.value).toBe('dovecot:SHA512-CRYPT')
    expect(c.values.get('encrypt')?.line).toBe(9)
    expect(c.values.get('quota')?.value).toBe('YES')
    expect(c.values.get('list')?.value).toEqual(['a', 'b', 3])
    expect(c.values.get('map')?.value).toEqual({ k: true, n: null })
    expect(c.values.has('dyn') && c.values.get('dyn')?.value).toBe(undefined)
    expect(c.values.has('x')).toBe(false)
    const e = c.values.get('encrypt')!
    expect(text.slice(e.valueSpan.from, e.valueSpan.to)).toBe("'dovecot:SHA512-CRYPT'")
  })

  it('reads the seed notes config.local.php (mangled <!--?php opening and all)', () => {
    const c = readPhpConf(fixtureText('seed-centos6/config.local.php'))
    expect(c.values.get('encrypt')?.value).toBe('dovecot:CRAM-MD5')
    expect(c.values.get('special_alias_control')?.value).toBe('NO')
    expect(c.values.get('create_mailbox_subdirs')?.value).toEqual(['Drafts', 'Spam', 'Sent', 'Trash'])
  })
})

describe('sqlQueryNames', () => {
  it('names tables (with aliases) and columns, skipping functions, literals and select aliases', () => {
    const q = "SELECT CONCAT('/home/', TRIM(TRAILING '/' FROM m.maildir)) AS home, 10000 AS uid FROM mailbox AS m, alias_domain d WHERE d.alias_domain = '%d' AND m.active = '1' AND quota > 0"
    const n = sqlQueryNames(q)
    expect(n.understood).toBe(true)
    expect(n.tables.map((t) => [t.table.name, t.alias])).toEqual([
      ['mailbox', 'm'],
      ['alias_domain', 'd'],
    ])
    expect(n.columns.map((c) => (c.qualifier ? `${c.qualifier.name}.${c.name}` : c.name))).toEqual(['m.maildir', 'd.alias_domain', 'm.active', 'quota'])
    const c = n.columns[0]!
    expect(q.slice(c.from, c.to)).toBe('maildir')
  })
  it('declines sub-queries', () => {
    expect(sqlQueryNames('SELECT a FROM t WHERE x IN (SELECT y FROM u)').understood).toBe(false)
  })
})
