/** Runs read-modify-write sections of one store one after another (within this process). */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve()

  run<T>(section: () => Promise<T>): Promise<T> {
    const result = this.tail.then(section)
    this.tail = result.catch(() => undefined)
    return result
  }
}
