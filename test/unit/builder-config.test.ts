import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'

// Packaging needs the Electron download, which this machine cannot do; electron-builder's own
// schema validation still proves the config is one it accepts.
const require = createRequire(import.meta.url)
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(cfg: unknown, logger: unknown): Promise<void>
}
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown }
const yaml = require('js-yaml') as { load(s: string): Record<string, unknown> }

const load = () => yaml.load(readFileSync('electron-builder.yml', 'utf8'))

describe('electron-builder.yml', () => {
  it('passes electron-builder schema validation', async () => {
    await expect(validateConfiguration(load(), new DebugLogger(false))).resolves.toBeUndefined()
  })
  it('a broken config would be caught by the same check', async () => {
    await expect(validateConfiguration({ ...load(), bogus: true }, new DebugLogger(false))).rejects.toThrow(/bogus/)
  })
  it('targets Linux AppImage+deb, Windows nsis and macOS dmg with an app id and an icon', () => {
    const cfg = load() as { appId: string; linux: { target: string[]; icon: string }; win: { target: string[] }; mac: { target: string[] } }
    expect(cfg.appId).toMatch(/^[a-z]+(\.[a-z]+)+$/)
    expect(cfg.linux.target).toEqual(['AppImage', 'deb'])
    expect(cfg.win.target).toEqual(['nsis'])
    expect(cfg.mac.target).toEqual(['dmg'])
    expect(existsSync(cfg.linux.icon)).toBe(true)
    const png = readFileSync(cfg.linux.icon)
    expect(png.subarray(1, 4).toString()).toBe('PNG')
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(512)
  })
})
