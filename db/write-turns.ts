import type Database from 'better-sqlite3';

// SQLite lets one connection write at a time; the others wait in its busy handler, which sleeps and
// tries again (after 1, 2, 5 ... up to 100 ms), blocking the thread that asked. A first scan writes
// back to back, so the app's own connection rarely found the lock free when it tried: a measured p95
// of 0.5 s per write during a scan, the core's event loop held all that time. Both writers live in one
// process (the scan is a worker thread), so they take turns through shared memory instead: the core
// says it wants to write and waits only for the scan's transaction under way; the scan, between its
// transactions, waits while the core writes. Neither sleeps on a timer.

/** How long either side waits for the other at most; past it, SQLite's busy handler decides as before. */
const MAX_WAIT_MS = 2000;
/** Cells of the shared memory. */
const CORE_WRITES = 0;
const BULK_WRITING = 1;

/** Turns at writing between the core's connection and a bulk writer (the first scan) in another thread. */
export class WriteTurns {
  private readonly cells: Int32Array;

  /** Over `buffer` from another thread's WriteTurns, or a new one; either side waits `maxWaitMs` at most. */
  constructor(
    readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(8),
    private readonly maxWaitMs = MAX_WAIT_MS,
  ) {
    this.cells = new Int32Array(buffer);
  }

  /**
   * The bulk writer's thread has ended. A thread terminated inside a transaction never said it was
   * done; without this every core write would wait out {@link MAX_WAIT_MS}.
   */
  bulkGone(): void {
    this.endBulk();
  }

  /** Runs a write of the core's: waits for the bulk writer's transaction under way (if any) to end, and keeps the next one back until done. */
  around<T>(write: () => T): T {
    Atomics.add(this.cells, CORE_WRITES, 1);
    try {
      this.waitWhile(BULK_WRITING, 1);
      return write();
    } finally {
      if (Atomics.sub(this.cells, CORE_WRITES, 1) === 1) Atomics.notify(this.cells, CORE_WRITES);
    }
  }

  /** Runs a transaction of the bulk writer's once the core has no write waiting or under way. Off the main thread only. */
  bulk<T>(transaction: () => T): T {
    const deadline = Date.now() + this.maxWaitMs;
    for (;;) {
      // Say so first, then look: of two writers starting at once, at least one sees the other.
      Atomics.store(this.cells, BULK_WRITING, 1);
      if (Atomics.load(this.cells, CORE_WRITES) === 0 || Date.now() >= deadline) break;
      this.endBulk();
      this.waitWhile(CORE_WRITES, null, deadline);
    }
    try {
      return transaction();
    } finally {
      this.endBulk();
    }
  }

  private endBulk(): void {
    Atomics.store(this.cells, BULK_WRITING, 0);
    Atomics.notify(this.cells, BULK_WRITING);
  }

  /** Waits while cell `index` holds `value` (any value but 0 when null), until `deadline`. */
  private waitWhile(index: number, value: number | null, deadline = Date.now() + this.maxWaitMs): void {
    for (;;) {
      const now = Atomics.load(this.cells, index);
      const left = deadline - Date.now();
      if ((value === null ? now === 0 : now !== value) || left <= 0) return;
      try {
        Atomics.wait(this.cells, index, now, left);
      } catch {
        // A thread that may not block (a browser's main thread) does not wait: SQLite's busy handler does.
        return;
      }
    }
  }

  /**
   * Counts every write made through `sqlite` (transactions, statements that write, exec). Reads are
   * not counted: in WAL they never wait for a writer.
   */
  countWritesOf(sqlite: Database.Database): void {
    const prepare = sqlite.prepare.bind(sqlite);
    const counted = <F extends (...args: never[]) => unknown>(fn: F): F => ((...args: Parameters<F>) => this.around(() => fn(...args))) as F;
    sqlite.prepare = ((source: string) => {
      const statement = prepare(source);
      if (statement.readonly) return statement;
      statement.run = counted(statement.run.bind(statement));
      statement.get = counted(statement.get.bind(statement));
      statement.all = counted(statement.all.bind(statement));
      return statement;
    }) as typeof sqlite.prepare;
    const exec = sqlite.exec.bind(sqlite);
    sqlite.exec = ((source: string) => this.around(() => exec(source))) as typeof sqlite.exec;
    const transaction = sqlite.transaction.bind(sqlite);
    sqlite.transaction = ((fn: (...args: never[]) => unknown) => {
      const tx = transaction(fn);
      return Object.assign(counted(tx), {
        deferred: counted(tx.deferred),
        immediate: counted(tx.immediate),
        exclusive: counted(tx.exclusive),
        default: counted(tx.default),
      });
    }) as typeof sqlite.transaction;
  }
}
