/** Something that holds a resource (watcher, process, timer, listener) until disposed. */
export interface Disposable {
  dispose(): void | Promise<void>;
}

/** Collects disposables and disposes them in reverse order of registration. */
export class DisposableStore implements Disposable {
  private readonly items: Disposable[] = [];
  private disposed = false;

  add<T extends Disposable>(item: T): T {
    if (this.disposed) {
      void item.dispose();
      throw new Error('DisposableStore is already disposed');
    }
    this.items.push(item);
    return item;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const item of this.items.reverse()) await item.dispose();
  }
}

/** Wraps a function as a disposable. */
export function toDisposable(fn: () => void | Promise<void>): Disposable {
  return { dispose: fn };
}
