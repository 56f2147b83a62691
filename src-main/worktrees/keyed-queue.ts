/** Runs tasks one at a time per key (git worktree operations on one repository must not interleave). */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
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

  /** Resolves when every queued task has settled. */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }
}
