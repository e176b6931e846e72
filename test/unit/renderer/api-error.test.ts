import { describe, expect, it } from 'vitest'
import { ApiError, errorMessageKey, errorSummary, toApiError } from '../../../renderer/src/api/api-error'
import en from '../../../renderer/src/i18n/locales/en'

const translate = (key: string) => {
  const [, code] = key.split('.') as [string, string]
  return (en.errors as Record<string, string>)[code] ?? key
}

describe('renderer error mapping', () => {
  it('maps each known code to its message key, anything else to internal', () => {
    expect(errorMessageKey('conflict')).toBe('errors.conflict')
    expect(errorMessageKey('host-key-unknown')).toBe('errors.host-key-unknown')
    expect(errorMessageKey('no-such-code')).toBe('errors.internal')
  })

  it('turns an IPC error into an ApiError with a translated message, the server text and the detail', () => {
    const e = toApiError({ code: 'host-key-unknown', message: 'The authenticity of host x cannot be established', detail: { fingerprint: 'SHA256:abc' } }, translate)
    expect(e).toBeInstanceOf(ApiError)
    expect(e.code).toBe('host-key-unknown')
    expect(e.message).toBe(en.errors['host-key-unknown'])
    expect(e.serverMessage).toMatch(/authenticity/)
    expect(e.detail).toEqual({ fingerprint: 'SHA256:abc' })
  })

  it('treats an unknown code as internal but keeps the server message', () => {
    const e = toApiError({ code: 'weird' as never, message: 'boom' }, translate)
    expect(e.code).toBe('internal')
    expect(e.message).toBe(en.errors.internal)
    expect(e.serverMessage).toBe('boom')
  })

  it('summarises errors for toasts: the translated title, the server text as detail', () => {
    const e = toApiError({ code: 'conflict', message: 'a server named "x" already exists' }, translate)
    expect(errorSummary(e, 'internal')).toEqual({ title: en.errors.conflict, detail: 'a server named "x" already exists' })
    expect(errorSummary(new Error('kaput'), 'Something went wrong')).toEqual({ title: 'Something went wrong', detail: 'kaput' })
  })
})
