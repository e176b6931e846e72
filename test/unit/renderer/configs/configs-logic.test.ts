import { describe, expect, it } from 'vitest'
import { CONFLICT_MARKERS } from '../../../../shared/domain/config-workspace'
import type { WorkspaceFile } from '../../../../shared/domain/config-workspace'
import { conflictResolution, findConflicts, hasConflicts, resolveConflict } from '../../../../renderer/src/lib/configs/conflict-markers'
import { groupFilesByOwner, shortPath } from '../../../../renderer/src/lib/configs/file-groups'
import { lineDiffSummary } from '../../../../renderer/src/lib/configs/line-diff-summary'
import { completionContext, parameterAt } from '../../../../renderer/src/lib/configs/parameter-at'
import { pushBlocker } from '../../../../renderer/src/lib/configs/push-blocker'

const { local, separator, remote } = CONFLICT_MARKERS
const merged = ['myhostname = mail.example.jp', local, 'message_size_limit = 20480000', separator, 'message_size_limit = 51200000', remote, 'relayhost =', ''].join('\n')

describe('conflict markers (as config.compare leaves them)', () => {
  it('finds a block with both sides and its marker lines', () => {
    const [b, ...rest] = findConflicts(merged)
    expect(rest).toEqual([])
    expect(b?.line).toBe(2)
    expect(b?.mine).toBe('message_size_limit = 20480000\n')
    expect(b?.theirs).toBe('message_size_limit = 51200000\n')
    expect(b?.base).toBeNull()
    expect(b?.markers).toHaveLength(3)
    expect(merged.slice(b?.from, b?.to)).toBe(`${local}\nmessage_size_limit = 20480000\n${separator}\nmessage_size_limit = 51200000\n${remote}\n`)
    expect(hasConflicts(merged)).toBe(true)
  })

  it('resolves one block by mine, theirs or both, leaving the rest of the file as it was', () => {
    expect(resolveConflict(merged, 0, 'mine')).toBe('myhostname = mail.example.jp\nmessage_size_limit = 20480000\nrelayhost =\n')
    expect(resolveConflict(merged, 0, 'theirs')).toBe('myhostname = mail.example.jp\nmessage_size_limit = 51200000\nrelayhost =\n')
    expect(resolveConflict(merged, 0, 'both')).toBe('myhostname = mail.example.jp\nmessage_size_limit = 20480000\nmessage_size_limit = 51200000\nrelayhost =\n')
    expect(hasConflicts(resolveConflict(merged, 0, 'mine'))).toBe(false)
  })

  it('handles several blocks, diff3 base sections, an empty side, and a block at the end without a final newline', () => {
    const text = ['<<<<<<< local', 'a', '||||||| base', 'o', '=======', 'b', '>>>>>>> server', 'x', '<<<<<<< local', '=======', 'only theirs', '>>>>>>> server'].join('\n')
    const blocks = findConflicts(text)
    expect(blocks.map((b) => [b.mine, b.base, b.theirs])).toEqual([
      ['a\n', 'o\n', 'b\n'],
      ['', null, 'only theirs\n'],
    ])
    expect(resolveConflict(text, 1, 'mine')).toBe('<<<<<<< local\na\n||||||| base\no\n=======\nb\n>>>>>>> server\nx\n')
    expect(conflictResolution(blocks[1] as never, 'both')).toBe('only theirs\n')
  })

  it('an unterminated block, or a line that merely starts with < in a value, is not a conflict', () => {
    expect(findConflicts('<<<<<<< local\nmine\n=======\ntheirs\n')).toEqual([])
    expect(findConflicts('ssl_cert = </etc/ssl/cert.pem\n=======\n')).toEqual([])
    expect(resolveConflict('plain\n', 0, 'mine')).toBe('plain\n')
  })
})

describe('line diff summary (the push dialog)', () => {
  it('counts added and removed lines like diff', () => {
    expect(lineDiffSummary('a\nb\nc\n', 'a\nb\nc\n')).toEqual({ added: 0, removed: 0 })
    expect(lineDiffSummary('a\nb\nc\n', 'a\nb\nc\nd\n')).toEqual({ added: 1, removed: 0 })
    expect(lineDiffSummary('a\nb\nc\n', 'a\nc\n')).toEqual({ added: 0, removed: 1 })
    expect(lineDiffSummary('a\nb\nc\n', 'a\nB\nc\n')).toEqual({ added: 1, removed: 1 })
    expect(lineDiffSummary('', 'x\ny\n')).toEqual({ added: 2, removed: 0 })
    expect(lineDiffSummary('x\ny\n', '')).toEqual({ added: 0, removed: 2 })
    expect(lineDiffSummary('a\nb\nc\nd\ne\n', 'e\nb\nc\nd\na\n')).toEqual({ added: 2, removed: 2 })
  })

  it('stays exact on a 5,000-line file with scattered edits', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `p${i} = v${i}`)
    const edited = lines.map((l, i) => (i % 500 === 0 ? `${l} changed` : l))
    edited.splice(2500, 0, 'inserted = 1')
    expect(lineDiffSummary(lines.join('\n'), edited.join('\n'))).toEqual({ added: 11, removed: 10 })
  })
})

describe('parameter under the cursor (hover) and completion context', () => {
  it('main.cf: the name being set and $name references; not in comments or plain values', () => {
    expect(parameterAt('postfix-main', 'myhostname = mail', 3)).toEqual({ catalogue: 'postfix', name: 'myhostname', from: 0, to: 10 })
    expect(parameterAt('postfix-main', 'mydestination = $myhostname, ${mydomain}', 20)?.name).toBe('myhostname')
    expect(parameterAt('postfix-main', 'mydestination = $myhostname, ${mydomain}', 33)?.name).toBe('mydomain')
    expect(parameterAt('postfix-main', 'mydestination = localhost', 18)).toBeNull()
    expect(parameterAt('postfix-main', '#myhostname = x', 3)).toBeNull()
  })

  it('master.cf -o overrides and dovecot keys', () => {
    expect(parameterAt('postfix-master', '  -o smtpd_tls_security_level=encrypt', 8)?.name).toBe('smtpd_tls_security_level')
    expect(parameterAt('postfix-master', 'smtp inet n - y - - smtpd', 1)).toBeNull()
    expect(parameterAt('dovecot', '  mail_location = maildir:~/Maildir', 4)).toEqual({ catalogue: 'dovecot', name: 'mail_location', from: 2, to: 15 })
    expect(parameterAt('dovecot', 'service auth {', 2)).toBeNull()
    expect(parameterAt('postfix-map', 'key value', 1)).toBeNull()
  })

  it('completion: a name at line start, after -o, after $ or ${', () => {
    expect(completionContext('postfix-main', 'smtpd_tl')).toEqual({ from: 0, prefix: 'smtpd_tl', catalogue: 'postfix' })
    expect(completionContext('postfix-main', 'mydestination = $myh')).toEqual({ from: 17, prefix: 'myh', catalogue: 'postfix' })
    expect(completionContext('postfix-main', 'mydestination = local')).toBeNull()
    expect(completionContext('postfix-master', '  -o smtpd_')).toEqual({ from: 5, prefix: 'smtpd_', catalogue: 'postfix' })
    expect(completionContext('dovecot', '    mail_pl')).toEqual({ from: 4, prefix: 'mail_pl', catalogue: 'dovecot' })
    expect(completionContext('dovecot', '# mail_pl')).toBeNull()
  })
})

describe('file list and push readiness', () => {
  const file = (path: string, owner: WorkspaceFile['owner']): WorkspaceFile => ({ path, owner, kind: 'unknown', state: 'unchanged', hasSecrets: false, size: 1 })
  it('groups by owner in a fixed order, main files first', () => {
    const groups = groupFilesByOwner([
      file('/etc/dovecot/conf.d/10-auth.conf', 'dovecot'),
      file('/etc/postfix/sql/a.cf', 'postfix'),
      file('/etc/aliases', 'aliases'),
      file('/etc/postfix/master.cf', 'postfix'),
      file('/etc/dovecot/dovecot.conf', 'dovecot'),
      file('/etc/postfix/main.cf', 'postfix'),
    ])
    expect(groups.map((g) => [g.owner, g.files.map((f) => shortPath(f.path))])).toEqual([
      ['postfix', ['main.cf', 'master.cf', 'sql/a.cf']],
      ['dovecot', ['dovecot.conf', 'conf.d/10-auth.conf']],
      ['aliases', ['/etc/aliases']],
    ])
  })

  it('a push waits for a pull, then unsaved edits, then conflicts, then the connection', () => {
    const ready = { pulled: true, busy: false, unsaved: 0, conflicts: 0, connected: true }
    expect(pushBlocker(ready)).toBeNull()
    expect(pushBlocker({ ...ready, pulled: false })).toBe('not-pulled')
    expect(pushBlocker({ ...ready, unsaved: 1, conflicts: 1, connected: false })).toBe('unsaved')
    expect(pushBlocker({ ...ready, conflicts: 2, connected: false })).toBe('conflicts')
    expect(pushBlocker({ ...ready, connected: false })).toBe('offline')
    expect(pushBlocker({ ...ready, busy: true })).toBe('busy')
  })
})
