import { describe, expect, it } from 'vitest'
import { rootCommand } from '../../electron/services/ssh/root-command'

describe('rootCommand', () => {
  it('runs argv as is without sudo', () => {
    expect(rootCommand('none', ['id', '-u'], 'root')).toEqual({ command: 'id -u' })
  })

  it('wraps argv in sudo -n with a ready marker; no password anywhere', () => {
    const r = rootCommand('sudo-n', ['cat', "it's"], 'admin')
    expect(r.command).toMatch(/^sudo -n -- sh -c 'printf %s "\$0" >&2; exec "\$@"' '\[postdesk-sudo-ready:[\w-]+\]' cat 'it'\\''s'$/)
    expect(r.gate?.password).toBeUndefined()
    expect(r.gate?.killVia?.('kill -KILL -5').command).toBe("sudo -n -- sh -c 'kill -KILL -5'")
  })

  it('sudo -S: the password is in the gate (written to stdin on the prompt), never in the command line', () => {
    const secret = "pw 'with' $(quotes)"
    const r = rootCommand('sudo-S', ['id'], 'admin', secret)
    expect(String(r.command)).not.toContain('pw ')
    expect(String(r.command)).toMatch(/^sudo -S -p '\[postdesk-sudo-prompt:[\w-]+\]' -- sh -c /)
    expect(r.gate).toMatchObject({ password: secret })
    const kill = r.gate?.killVia?.('kill -KILL -7')
    expect(kill?.command).not.toContain('pw ')
    expect(kill?.stdin).toBe(`${secret}\n`)
    expect(r.gate?.refused(true)).toMatchObject({ code: 'sudo-password-required' })
    expect(JSON.stringify(r.gate?.refused(true))).not.toContain('pw ')
  })

  it('quotes non-UTF-8 arguments as bytes', () => {
    const r = rootCommand('sudo-n', ['cat', Buffer.from([0xff, 0x27])], 'admin')
    expect(Buffer.isBuffer(r.command)).toBe(true)
    // ' ÿ '\'' ' : the quote inside is closed, escaped and reopened, byte for byte.
    expect((r.command as Buffer).subarray(-8)).toEqual(Buffer.from([0x20, 0x27, 0xff, 0x27, 0x5c, 0x27, 0x27, 0x27]))
  })
})
