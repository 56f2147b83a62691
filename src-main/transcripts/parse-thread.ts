import type { Worker } from 'node:worker_threads';
import type { Disposable } from '../lifecycle';
import { inThreadLines, type LineBatch, type LineBatches, type LineBatchSource, type LineRequest } from './line-batches';
import type { ParseReply, ParseRequest } from './parse-protocol';

/**
 * How many batches the parse thread may send that the writer has not taken yet. With the one the
 * writer is writing and the one the parse thread holds waiting for a credit, about four batches of
 * input (16 MB) are in memory at most: enough for the parse thread never to wait on a writer that keeps up.
 */
const AHEAD = 2;

interface Waiter {
  resolve: (result: IteratorResult<LineBatch>) => void;
  reject: (error: Error) => void;
}

/** One file's batches as the parse thread sends them; each one taken gives the parse thread a credit back. */
class ThreadBatches implements LineBatches, AsyncIterator<LineBatch> {
  private readonly queue: LineBatch[] = [];
  private ended = false;
  private failure: Error | null = null;
  private waiter: Waiter | null = null;
  /** The same batches read in this thread, once the parse thread is gone before it began this file. */
  private local: AsyncIterator<LineBatch> | null = null;

  constructor(
    readonly request: LineRequest,
    private readonly taken: () => void,
    private readonly dropped: (batches: ThreadBatches, count: number) => void,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<LineBatch> {
    return this;
  }

  next(): Promise<IteratorResult<LineBatch>> {
    if (this.local) return this.local.next();
    const batch = this.queue.shift();
    if (batch) {
      this.taken();
      return Promise.resolve({ value: batch, done: false });
    }
    if (this.failure) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  async return(): Promise<IteratorResult<LineBatch>> {
    this.cancel();
    return { value: undefined, done: true };
  }

  cancel(): void {
    if (this.local) {
      this.local.return?.().catch(() => undefined);
      return;
    }
    const count = this.queue.length;
    this.queue.length = 0;
    this.ended = true;
    this.dropped(this, count);
  }

  push(batch: LineBatch): void {
    const waiter = this.waiter;
    if (!waiter) {
      this.queue.push(batch);
      return;
    }
    this.waiter = null;
    this.taken();
    waiter.resolve({ value: batch, done: false });
  }

  end(failure: Error | null = null): void {
    this.ended = true;
    this.failure = failure;
    const waiter = this.waiter;
    this.waiter = null;
    if (waiter && failure) waiter.reject(failure);
    else waiter?.resolve({ value: undefined, done: true });
  }

  /** Reads the file in this thread instead: nothing of it came from the parse thread. */
  readHere(): void {
    this.local = inThreadLines.open(this.request)[Symbol.asyncIterator]();
    const waiter = this.waiter;
    this.waiter = null;
    if (waiter) this.local.next().then(waiter.resolve, waiter.reject);
  }
}

/**
 * A second thread a scan reads and parses its line files on while it writes (a pipeline: batch k+1,
 * and the next file's first batches, are parsed while batch k is written). The writer hands out
 * credits as it takes batches, so the parse thread runs at most {@link AHEAD} batches ahead.
 * Should the thread die, the file it was reading fails with that as its problem (as a read error
 * would), and later files are read in this thread. `dispose()` ends the thread.
 */
export class ParseThread implements LineBatchSource, Disposable {
  private worker: Worker | null;
  private readonly streams = new Map<number, ThreadBatches>();
  private nextId = 1;

  /** `start` starts the parse worker (`parse-worker.ts`, built or from source). */
  constructor(start: () => Worker) {
    const worker = start();
    this.worker = worker;
    worker.on('message', (reply: ParseReply) => this.receive(reply));
    worker.on('error', (error: Error) => this.stopped(new Error(`the parse thread failed: ${error.message}`)));
    worker.on('exit', (code: number) => this.stopped(new Error(`the parse thread stopped (exit code ${code})`)));
    this.post({ type: 'credit', count: AHEAD });
  }

  open(request: LineRequest): LineBatches {
    if (!this.worker) return inThreadLines.open(request);
    const id = this.nextId++;
    const batches = new ThreadBatches(
      request,
      () => this.post({ type: 'credit', count: 1 }),
      (stream, count) => {
        // Batches dropped unread are credits the parse thread must get back, or it would stall on the next file.
        if (count > 0) this.post({ type: 'credit', count });
        if (this.streams.get(id) === stream) {
          this.streams.delete(id);
          this.post({ type: 'cancel', id });
        }
      },
    );
    this.streams.set(id, batches);
    this.post({ type: 'parse', id, request });
    return batches;
  }

  async dispose(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.stopped(new Error('the parse thread was closed'));
    await worker.terminate();
  }

  private post(request: ParseRequest): void {
    this.worker?.postMessage(request);
  }

  private receive(reply: ParseReply): void {
    const batches = this.streams.get(reply.id);
    if (reply.type === 'batch') {
      // A batch of a file no longer wanted (it crossed the cancel): its credit comes straight back.
      if (batches) batches.push(reply.batch);
      else this.post({ type: 'credit', count: 1 });
      return;
    }
    this.streams.delete(reply.id);
    batches?.end(reply.type === 'error' ? new Error(reply.message) : null);
  }

  private stopped(error: Error): void {
    if (!this.worker) return;
    this.worker = null;
    // Files are read in the order asked: the first still open is the one the thread was reading, and
    // the thread had not begun the others.
    const [reading, ...waiting] = this.streams.values();
    this.streams.clear();
    reading?.end(error);
    for (const batches of waiting) batches.readHere();
  }
}
