// toErrorShape: what crosses IPC and the CLI's --json for an error that is not an AppError.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AppError, toErrorShape } from '../../shared/errors'

const thrown = (f: () => unknown): unknown => {
  try {
    f()
  } catch (e) {
    return e
  }
  throw new Error('did not throw')
}

describe('toErrorShape', () => {
  it('keeps an AppError as it is', () => {
    expect(toErrorShape(new AppError('conflict', 'taken'))).toEqual({ code: 'conflict', message: 'taken' })
  })

  it('names real fs errors by what went wrong', () => {
    const dir = mkdtempSync(join(tmpdir(), 'postdesk-err-'))
    expect(toErrorShape(thrown(() => readFileSync(join(dir, 'missing'))))).toMatchObject({ code: 'not-found', message: expect.stringContaining('ENOENT') })
    expect(toErrorShape(thrown(() => readFileSync(dir)))).toMatchObject({ code: 'io', message: expect.stringContaining('EISDIR') })
  })

  it('keeps internal for anything else', () => {
    expect(toErrorShape(new TypeError('x is undefined'))).toEqual({ code: 'internal', message: 'x is undefined' })
    expect(toErrorShape(Object.assign(new Error('odd'), { code: 'ERR_SOMETHING_NODE' }))).toMatchObject({ code: 'internal' })
    expect(toErrorShape('plain')).toEqual({ code: 'internal', message: 'plain' })
  })
})
