import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

// Guards the eslint.config.js fix: the "no electron" rule must match the `electron` package only,
// not relative paths that happen to contain "electron/" (tests and the CLI import the services that way).
const eslint = new ESLint({ cwd: process.cwd() })
const errorsFor = async (filePath: string, code: string) => ((await eslint.lintText(code, { filePath }))[0]?.messages ?? []).filter((m) => m.severity === 2).map((m) => m.ruleId)

describe('no-electron rule and relative imports', () => {
  it('lets tests and the CLI import services by relative path', async () => {
    expect(await errorsFor('test/unit/probe.test.ts', "import { shellQuote } from '../../electron/services/ssh/shell-quote'\nexport const q = shellQuote\n")).toEqual([])
    expect(await errorsFor('electron/cli/probe.ts', "import { createServices } from '../services/create-services'\nexport const c = createServices\n")).toEqual([])
  })
  it('still refuses the electron package and its subpaths there', async () => {
    expect(await errorsFor('test/unit/probe.test.ts', "import { app } from 'electron'\nexport const a = app\n")).toContain('no-restricted-imports')
    expect(await errorsFor('electron/services/x/probe.ts', "import { ipcMain } from 'electron/main'\nexport const i = ipcMain\n")).toContain('no-restricted-imports')
  })
})
