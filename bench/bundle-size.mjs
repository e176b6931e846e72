// Reports the first screen's JavaScript (what index.html loads before any lazy route), gzipped.
// Budget: 300 kB. Run after `npm run build`: `npm run bench:bundle`. Writes bench/results/bundle.json.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { gzipSync } from 'node:zlib'

const root = 'out/renderer'
const html = readFileSync(join(root, 'index.html'), 'utf8')
const initial = new Set()
const queue = [...html.matchAll(/<(?:script|link)[^>]+(?:src|href)="\.?\/?([^"]+\.(?:js|css))"/g)].map((m) => m[1])
// Follow static imports (not dynamic import()) from the entry chunks.
while (queue.length) {
  const f = queue.shift()
  if (initial.has(f)) continue
  initial.add(f)
  if (!f.endsWith('.js')) continue
  const src = readFileSync(join(root, f), 'utf8')
  for (const m of src.matchAll(/(?:^|[;\n}])\s*import\s*(?:[^'"()]*?from\s*)?["']\.\/([^"']+\.js)["']/g)) queue.push(join(dirname(f), m[1]))
}
const files = [...initial].map((f) => {
  const buf = readFileSync(join(root, f))
  return { file: f, bytes: buf.length, gzip: gzipSync(buf, { level: 9 }).length }
})
const js = files.filter((f) => f.file.endsWith('.js'))
const totalGzip = js.reduce((a, f) => a + f.gzip, 0)
const result = { budgetGzipBytes: 300 * 1024, initialJsGzipBytes: totalGzip, withinBudget: totalGzip <= 300 * 1024, files }
mkdirSync('bench/results', { recursive: true })
writeFileSync('bench/results/bundle.json', JSON.stringify(result, null, 2))
console.log(`first-screen JS: ${(totalGzip / 1024).toFixed(1)} kB gzipped in ${js.length} file(s) (budget 300 kB) ${result.withinBudget ? 'OK' : 'OVER BUDGET'}`)
for (const f of files) console.log(`  ${f.file}  ${(f.bytes / 1024).toFixed(1)} kB, ${(f.gzip / 1024).toFixed(1)} kB gzip`)
process.exit(result.withinBudget ? 0 : 1)
