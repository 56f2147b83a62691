/** Something that holds a resource (watcher, process, timer, listener) until disposed. */
export interface Disposable {
  dispose(): void | Promise<void>;
}

/** Thrown by {@link DisposableStore.dispose} when one or more disposables failed; every one was still disposed. */
export class DisposeError extends AggregateError {}

/**
 * Collects disposables and disposes them in reverse order of registration. One that throws does
 * not stop the rest: the database, registered first and disposed last, must close whatever failed
 * before it. The failures are reported together afterwards.
 */
export class DisposableStore implements Disposable {
  private readonly items: Disposable[] = [];
  private disposed = false;

  add<T extends Disposable>(item: T): T {
    if (this.disposed) {
      // Dispose what arrives late, but never let its failure hide the misuse reported below.
      void Promise.resolve()
        .then(() => item.dispose())
        .catch((error: unknown) => console.error('[lifecycle] disposing a late item failed', error));
      throw new Error('DisposableStore is already disposed');
    }
    this.items.push(item);
    return item;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const errors: unknown[] = [];
    for (const item of this.items.reverse()) {
      try {
        await item.dispose();
      } catch (error) {
        errors.push(error);
      }
    }
    this.items.length = 0;
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new DisposeError(errors, `${errors.length} disposables failed`);
  }
}

/** Wraps a function as a disposable. */
export function toDisposable(fn: () => void | Promise<void>): Disposable {
  return { dispose: fn };
}
