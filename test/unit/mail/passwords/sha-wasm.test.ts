import { createHash, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { nodeShaEngine, parseShaCryptSetting, shaCrypt, wasmSha512Engine, wasmShaEngine } from '../../../../electron/services/mail/passwords/sha-crypt'
import { ShaWasm } from '../../../../electron/services/mail/passwords/sha-wasm'
import { assembleShaWasm, binaryModulePath, renderBinaryModule } from '../../../tools/assemble-sha-wasm'

describe.each([256, 512] as const)('SHA-%i WebAssembly module', (bits) => {
  it(`the embedded binary is exactly what sha${bits}.wat assembles to`, async () => {
    const bytes = await assembleShaWasm(bits)
    expect(readFileSync(binaryModulePath(bits), 'utf8')).toBe(renderBinaryModule(bits, bytes))
  })

  it('digests equal Node crypto for every length across block boundaries, in one or many parts', () => {
    const w = new ShaWasm(bits)
    for (let len = 0; len <= 300; len++) {
      const data = new Uint8Array(randomBytes(len))
      const want = createHash(`sha${bits}`).update(data).digest('hex')
      expect(Buffer.from(w.digest([data])).toString('hex'), `len ${len}`).toBe(want)
      const cut = Math.floor(len / 3)
      expect(Buffer.from(w.digest([data.subarray(0, cut), data.subarray(cut, 2 * cut), data.subarray(2 * cut)])).toString('hex')).toBe(want)
    }
  })

  it('hashes inputs larger than its I/O area (memory grows)', () => {
    const data = new Uint8Array(randomBytes(300_000))
    expect(Buffer.from(new ShaWasm(bits).digest([data])).toString('hex')).toBe(createHash(`sha${bits}`).update(data).digest('hex'))
  })
})

describe('SHA-crypt', () => {
  // Test vectors from Drepper's specification ("Unix crypt using SHA-256 and SHA-512").
  const vectors512: [string, string, string][] = [
    ['$6$saltstring', 'Hello world!', '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1'],
    ['$6$rounds=10000$saltstringsaltstring', 'Hello world!', '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.'],
    ['$6$rounds=5000$toolongsaltstring', 'This is just a test', '$6$rounds=5000$toolongsaltstrin$lQ8jolhgVRVhY4b5pZKaysCLi0QBxGoNeKQzQ3glMhwllF7oGDZxUhx1yxdYcz/e1JSbq3y6JMxxl8audkUEm0'],
    ['$6$rounds=1400$anotherlongsaltstring', 'a very much longer text to encrypt.  This one even stretches over morethan one line.', '$6$rounds=1400$anotherlongsalts$POfYwTEok97VWcjxIiSOjiykti.o/pQs.wPvMxQ6Fm7I6IoYN3CmLs66x9t0oSwbtEW7o7UmJEiDwGqd8p4ur1'],
    ['$6$rounds=10$roundstoolow', 'the minimum number is still observed', '$6$rounds=1000$roundstoolow$kUMsbe306n21p9R.FRkW3IGn.S9NPN0x50YhH1xhLsPuWGsUSklZt58jaTfF4ZEQpyUNGc0dqbpBYYBaHHrsX.'],
  ]
  const vectors256: [string, string, string][] = [
    ['$5$saltstring', 'Hello world!', '$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5'],
    ['$5$rounds=10000$saltstringsaltstring', 'Hello world!', '$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA'],
    ['$5$rounds=1400$anotherlongsaltstring', 'a very much longer text to encrypt.  This one even stretches over morethan one line.', '$5$rounds=1400$anotherlongsalts$Rx.j8H.h8HjEDGomFU8bDkXm3XIUnzyxf12oP84Bnq1'],
  ]
  const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

  it.each(vectors512)('SHA-512 %s (WebAssembly and Node engines)', (setting, pw, want) => {
    const s = parseShaCryptSetting(setting)!
    expect(shaCrypt(utf8(pw), s, wasmSha512Engine())).toBe(want)
    expect(shaCrypt(utf8(pw), s, nodeShaEngine('sha512'))).toBe(want)
  })

  it.each(vectors256)('SHA-256 %s (WebAssembly and Node engines)', (setting, pw, want) => {
    const s = parseShaCryptSetting(setting)!
    expect(shaCrypt(utf8(pw), s, wasmShaEngine(256))).toBe(want)
    expect(shaCrypt(utf8(pw), s, nodeShaEngine('sha256'))).toBe(want)
  })

  it.each([['$6$rounds=1000$abcdefghijklmnop', 512], ['$5$rounds=1000$abcdefghijklmnop', 256]] as const)(
    'the in-WebAssembly rounds equal JS-driven rounds for passwords spanning 1..3 blocks (%s)',
    (setting, bits) => {
      const s = parseShaCryptSetting(setting)!
      for (const len of [0, 1, 30, 47, 48, 55, 56, 64, 111, 112, 200, 300]) {
        const pw = new Uint8Array(randomBytes(len))
        expect(shaCrypt(pw, s, wasmShaEngine(bits)), `len ${len}`).toBe(shaCrypt(pw, s, nodeShaEngine(`sha${bits}`)))
      }
    },
  )

  it('rejects settings that are not SHA-crypt', () => {
    expect(parseShaCryptSetting('$1$abc$')).toBeUndefined()
    expect(parseShaCryptSetting('{SHA512-CRYPT}$6$x')).toBeUndefined()
  })
})
