import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

// The layering of the design notes is enforced by lint; these prove a violation really fails it.
const eslint = new ESLint({ cwd: process.cwd() })

async function errorsFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return (result?.messages ?? []).filter((m) => m.severity === 2).map((m) => m.ruleId ?? m.message)
}

describe('layering rules', () => {
  it('services must not import electron', async () => {
    expect(await errorsFor('electron/services/x/probe.ts', "import { app } from 'electron'\nexport const a = app\n")).toContain('no-restricted-imports')
  })
  it('the CLI must not import electron', async () => {
    expect(await errorsFor('electron/cli/probe.ts', "import 'electron'\n")).toContain('no-restricted-imports')
  })
  it('shared must not import node or platform code', async () => {
    expect(await errorsFor('shared/probe.ts', "import { readFileSync } from 'node:fs'\nexport const r = readFileSync\n")).toContain('no-restricted-imports')
    expect(await errorsFor('shared/probe.ts', "import { Client } from 'ssh2'\nexport const c = Client\n")).toContain('no-restricted-imports')
    expect(await errorsFor('shared/probe.ts', 'export const w = window\n')).toContain('no-restricted-globals')
  })
  it('the renderer must not import node modules, electron or main-process code', async () => {
    expect(await errorsFor('renderer/src/probe.ts', "import { readFileSync } from 'fs'\nexport const r = readFileSync\n")).toContain('no-restricted-imports')
    expect(await errorsFor('renderer/src/probe.ts', "import { ipcRenderer } from 'electron'\nexport const r = ipcRenderer\n")).toContain('no-restricted-imports')
    expect(await errorsFor('renderer/src/probe.ts', "import { createServices } from '../../electron/services/create-services'\nexport const r = createServices\n")).toContain('no-restricted-imports')
  })
  it('main may import electron; shared code passes', async () => {
    expect(await errorsFor('electron/main/probe.ts', "import { app } from 'electron'\nexport const a = app\n")).toEqual([])
    expect(await errorsFor('shared/probe.ts', "import { z } from 'zod'\nexport const s = z.string()\n")).toEqual([])
  })
})
