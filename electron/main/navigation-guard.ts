import type { WebContents } from 'electron'

/** The window never navigates away and never opens windows; allow-listed links go to the OS browser. */
export function guardNavigation(wc: Pick<WebContents, 'on' | 'setWindowOpenHandler' | 'getURL'>, openExternal: (url: string) => Promise<boolean>): void {
  wc.on('will-navigate', (event, url) => {
    if (url !== wc.getURL()) {
      event.preventDefault()
      void openExternal(url)
    }
  })
  wc.setWindowOpenHandler(({ url }) => {
    void openExternal(url)
    return { action: 'deny' }
  })
}
