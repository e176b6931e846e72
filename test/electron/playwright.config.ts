import { defineConfig } from '@playwright/test'

// Real-Electron specs (Playwright's _electron, Spectron's successor). They need the Electron binary,
// which Electron 42+ downloads on first run: on machines without network access to it they cannot run.
export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.ts$/,
  timeout: 60_000,
  workers: 1,
  outputDir: '../../test-results/electron',
  reporter: [['list']],
})
