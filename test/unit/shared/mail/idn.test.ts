import { domainToASCII, domainToUnicode } from 'node:url'
import { describe, expect, it } from 'vitest'
import { toAsciiDomain, toAsciiEmail, toUnicodeDomain, toUnicodeEmail } from '../../../../shared/mail/idn'
import { decodePunycode } from '../../../../shared/mail/punycode'

const idns = ['bücher.de', '例え.jp', 'ドメイン名例.jp', 'пример.рф', 'ПРИМЕР.РФ', 'مثال.إختبار', 'Bücher.DE', '例え。jp', 'straße.de', 'ελληνικά.gr', '😀.example', 'mañana.com', 'example.com']

describe('IDN domains: punycode for storage, Unicode for display', () => {
  it.each(idns)('%s: toAscii equals Node domainToASCII, toUnicode round-trips as domainToUnicode', (d) => {
    const ascii = toAsciiDomain(d)
    expect(ascii).toBe(domainToASCII(d))
    expect(toUnicodeDomain(ascii!)).toBe(domainToUnicode(ascii!))
  })

  it('RFC 3492 sample strings decode', () => {
    // RFC 3492 7.1 (A) Arabic (Egyptian), (L) 3<nen>B<gumi><kinpachi><sensei>
    expect(decodePunycode('egbpdaj6bu4bxfgehfvwxn')).toBe('\u0644\u064A\u0647\u0645\u0627\u0628\u062A\u0643\u0644\u0645\u0648\u0634\u0639\u0631\u0628\u064A\u061F')
    expect(decodePunycode('3B-ww4c5e180e575a65lsy2b')).toBe('3\u5E74B\u7D44\u91D1\u516B\u5148\u751F')
    expect(decodePunycode('!!!')).toBeUndefined()
  })

  it('refuses what is not a host name', () => {
    for (const bad of ['', 'a b.com', 'a/b.com', 'a@b.com', '1.2.3.4', '1.2.3', 'a:80', 'exa%mple.com']) expect(toAsciiDomain(bad), bad).toBeUndefined()
  })

  it('converts the domain of an address and leaves the local part alone', () => {
    expect(toAsciiEmail('Info@例え.jp')).toBe('Info@xn--r8jz45g.jp')
    expect(toUnicodeEmail('info@xn--r8jz45g.jp')).toBe('info@例え.jp')
    expect(toUnicodeDomain('xn--invalid-.example')).toBe('xn--invalid-.example')
  })
})
