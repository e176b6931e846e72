// A fixed-capacity ring of log lines: the newest `capacity` lines, O(1) push, index 0 = oldest kept.
export class LineRing<T> {
  private readonly buf: (T | undefined)[]
  private start = 0
  private count = 0
  /** lines pushed out to make room, since the last clear */
  dropped = 0

  constructor(readonly capacity: number) {
    this.buf = new Array<T | undefined>(capacity)
  }

  get length(): number {
    return this.count
  }

  push(v: T): T | undefined {
    if (this.count < this.capacity) {
      this.buf[(this.start + this.count++) % this.capacity] = v
      return undefined
    }
    const out = this.buf[this.start]
    this.buf[this.start] = v
    this.start = (this.start + 1) % this.capacity
    this.dropped++
    return out
  }

  at(i: number): T | undefined {
    return i < 0 || i >= this.count ? undefined : this.buf[(this.start + i) % this.capacity]
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.count; i++) yield this.buf[(this.start + i) % this.capacity] as T
  }

  clear(): void {
    this.buf.fill(undefined)
    this.start = 0
    this.count = 0
    this.dropped = 0
  }
}
