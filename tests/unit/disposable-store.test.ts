import { describe, expect, it } from 'vitest';
import { DisposableStore, DisposeError, toDisposable } from '../../src-main/lifecycle';

describe('DisposableStore', () => {
  it('disposes in reverse order of registration', async () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => void order.push('database')));
    store.add(toDisposable(async () => void order.push('watcher')));
    store.add(toDisposable(() => void order.push('server')));
    await store.dispose();
    expect(order).toEqual(['server', 'watcher', 'database']);
  });

  it('still disposes everything registered before a disposable that throws, and reports the failure', async () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => void order.push('database closed')));
    store.add(
      toDisposable(() => {
        throw new Error('watcher would not stop');
      }),
    );
    store.add(toDisposable(() => void order.push('server closed')));
    await expect(store.dispose()).rejects.toThrow('watcher would not stop');
    expect(order).toEqual(['server closed', 'database closed']);
  });

  it('reports every failure together when several disposables throw', async () => {
    let closed = false;
    const store = new DisposableStore();
    store.add(toDisposable(() => void (closed = true)));
    store.add(toDisposable(() => Promise.reject(new Error('first'))));
    store.add(
      toDisposable(() => {
        throw new Error('second');
      }),
    );
    const failure = await store.dispose().then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(DisposeError);
    expect((failure as DisposeError).errors.map((e: Error) => e.message)).toEqual(['second', 'first']);
    expect(closed).toBe(true);
  });

  it('disposes only once, and refuses additions afterwards while still disposing them', async () => {
    let count = 0;
    const store = new DisposableStore();
    store.add(toDisposable(() => void count++));
    await store.dispose();
    await store.dispose();
    expect(count).toBe(1);
    let late = false;
    expect(() => store.add(toDisposable(() => void (late = true)))).toThrow('already disposed');
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(late).toBe(true);
  });
});
