// Child process for atomic-write.test.ts: rewrites one file forever with two alternating large contents
// until it is killed (SIGKILL, like a crash or power cut) mid-write.
import { writeFileAtomic } from '../../../electron/services/storage/atomic-write'

const [path, size] = process.argv.slice(2)
const n = Number(size)
const a = JSON.stringify({ fill: 'a'.repeat(n) })
const b = JSON.stringify({ fill: 'b'.repeat(n) })
for (let i = 0; ; i++) {
  await writeFileAtomic(path ?? '', i % 2 ? b : a)
  if (i === 0) process.stdout.write('ready\n')
}
