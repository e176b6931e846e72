import { InvalidArgumentError } from 'commander'

export function parsePort(value: string): number {
  const n = Number(value)
  if (!/^\d+$/.test(value) || n < 1 || n > 65535) throw new InvalidArgumentError('a port is a number from 1 to 65535.')
  return n
}
