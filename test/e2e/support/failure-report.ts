// On a failed e2e test, print what each open page showed (URL, text, console errors) and save a
// screenshot: a CI log then says why an element never appeared instead of only "waiting for …".
import { afterEach } from 'vitest'
import { openApps } from './app'

const within = <T>(p: Promise<T>, ms: number): Promise<T | string> =>
  Promise.race([p, new Promise<string>((r) => setTimeout(() => r(`(no answer in ${ms} ms)`), ms))])

afterEach(async (ctx) => {
  if (ctx.task.result?.state !== 'fail') return
  let n = 0
  for (const app of openApps) {
    const tag = `${ctx.task.name.slice(0, 40).replace(/[^\w-]+/g, '-')}-${n++}`
    const page = app.page
    const lines = [`[e2e failure] page ${tag}: closed=${page.isClosed()} url=${page.url()}`]
    if (!page.isClosed()) {
      const state = await within(
        // a string: this file is type-checked without the DOM library
        page.evaluate(`({
          readyState: document.readyState,
          mounted: !!document.querySelector('#app')?.children.length,
          hasApi: 'api' in window,
          text: (document.body?.innerText ?? '').replace(/\\s+/g, ' ').slice(0, 800),
        })`),
        5000,
      ).catch((e: unknown) => String(e))
      lines.push(`  page: ${JSON.stringify(state)}`)
      const shot = await within(app.shot(`failed-${tag}`), 10_000).catch((e: unknown) => String(e))
      lines.push(`  screenshot: ${shot}`)
    }
    lines.push(`  console errors (${app.consoleErrors.length}): ${app.consoleErrors.slice(-10).join(' | ')}`)
    console.error(lines.join('\n'))
  }
}, 30_000)
