import type { Page } from 'playwright-core'

// Steps in the configs area that the configs specs share (as a person would do them).

export const MAIN_CF = '/etc/postfix/main.cf'

/** Goes to the configs view of server `id`. */
export async function openConfigs(page: Page, id: string): Promise<void> {
  await page.evaluate(`location.hash = '#/servers/${id}/configs'`)
  await page.getByTestId('configs-view').waitFor()
}

/** The file list's entry for `path`. */
export const configFileEntry = (page: Page, path = MAIN_CF) => page.locator(`[data-testid="config-file"][data-path="${path}"]`)

/** Opens `path` (main.cf by default) in the editor. */
export async function openConfigFile(page: Page, path = MAIN_CF): Promise<void> {
  await configFileEntry(page, path).click()
  await page.locator(`[data-testid="config-editor"][data-path="${path}"] .cm-content`).waitFor()
}

/** Types a line at the end of the open file in the editor: click, Ctrl+End, type, Enter, Escape. */
export async function typeAtEnd(page: Page, line: string): Promise<void> {
  await page.locator('[data-testid="config-editor"] .cm-content').click()
  // The file ends with a line break: the cursor lands on the empty last line.
  await page.keyboard.press('Control+End')
  await page.keyboard.type(line, { delay: 5 })
  await page.keyboard.press('Enter')
  // close the completion popup, if the name opened one
  await page.keyboard.press('Escape')
}
