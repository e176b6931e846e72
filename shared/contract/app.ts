import { z } from 'zod'
import { SettingsPatch, SettingsState } from '../domain/settings'
import type { ContractSection } from './define'

export const appChannels = {
  'app.info': {
    input: z.object({}),
    output: z.object({ version: z.string(), dataDir: z.string(), platform: z.string(), harness: z.boolean() }),
  },
  'app.getSettings': { input: z.object({}), output: SettingsState },
  /** locale 'system': the chosen language is forgotten (removed from settings.json), the desktop's applies. */
  'app.setSettings': { input: SettingsPatch, output: SettingsState },
  /** Only https URLs on the allow-list in electron/main/external-links.ts are opened. */
  'app.openExternal': { input: z.object({ url: z.url() }), output: z.object({ opened: z.boolean() }) },
} satisfies ContractSection
