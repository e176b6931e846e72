import { config } from 'zod'

// zod 4 compiles fast object parsers with `new Function` when it can. Under the renderer's CSP (no
// 'unsafe-eval') its probe would be refused and logged as a violation: parse without it.
config({ jitless: true })
