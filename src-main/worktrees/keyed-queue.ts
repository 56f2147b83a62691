/** Runs tasks one at a time per key (git worktree operations on one repository must not interleave). */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly counts = new Map<string, number>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const start = (): Promise<T> => {
      this.counts.set(key, this.started(key) + 1);
      return task();
    };
    const next = previous.then(start, start);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    // `tail` never rejects (caught above), so neither does this.
    tail
      .then(() => {
        if (this.tails.get(key) === tail) this.tails.delete(key);
      })
      .catch(() => undefined);
    return next;
  }

  /** How many tasks of `key` have started so far (a task can tell whether another ran since it was asked for). */
  started(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** Resolves when every queued task has settled. */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }
}
