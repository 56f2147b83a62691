import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PriceOverrides } from '../../src-common/pricing/price-table';
import { AppError } from '../../src-common/result';
import type { Disposable } from '../lifecycle';
import type { HistoryApi, HistoryMethod, HistoryRequest, HistoryResponse, HistoryWorkerData } from './history-protocol';

/** Starts a history worker thread (the built `history-worker.js`, or the source in tests). */
export type HistoryWorkerLauncher = (data: HistoryWorkerData) => Worker;

/** The built app's history worker: `history-worker.js` next to the main entry. */
export function builtHistoryWorkerLauncher(mainDir: string): HistoryWorkerLauncher {
  return (data) => new Worker(path.join(mainDir, 'history-worker.js'), { workerData: data });
}

interface Pending {
  request: HistoryRequest;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * One worker thread and the calls waiting for it, one at a time. A call that supersedes
 * (`supersede`) drops the calls of its kind still waiting, and when one is already running the
 * worker is replaced: its answer would be stale, and the next call must not wait behind it.
 */
class Lane {
  private worker: Worker | null = null;
  private running: (Pending & { supersedable: boolean }) | null = null;
  private readonly queue: (Pending & { supersedable: boolean })[] = [];
  private disposed = false;

  constructor(
    private readonly name: string,
    private readonly launch: () => Worker,
  ) {}

  call(request: HistoryRequest, supersede: boolean): Promise<unknown> {
    if (this.disposed) return Promise.reject(new AppError('internal', 'History is closed'));
    if (supersede) {
      for (let i = this.queue.length - 1; i >= 0; i--) {
        if (this.queue[i]!.supersedable) this.queue.splice(i, 1)[0]!.reject(superseded());
      }
      if (this.running?.supersedable) {
        const stale = this.running;
        this.running = null;
        this.replaceWorker();
        stale.reject(superseded());
      }
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject, supersedable: supersede });
      this.next();
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = this.launch();
    worker.on('message', (response: HistoryResponse) => {
      if (worker !== this.worker) return;
      const done = this.running;
      if (!done || done.request.id !== response.id) return;
      this.running = null;
      if (response.ok) done.resolve(response.value);
      else done.reject(new AppError(response.error.code, response.error.message, response.error.retryable));
      this.next();
    });
    const failed = (error: Error | null) => {
      if (worker !== this.worker) return;
      this.worker = null;
      const lost = this.running;
      this.running = null;
      lost?.reject(new AppError('internal', `The history ${this.name} reader stopped${error ? `: ${error.message}` : ''}`, true));
      this.next();
    };
    worker.on('error', (e) => failed(e));
    worker.on('exit', () => failed(null));
    this.worker = worker;
    return worker;
  }

  private replaceWorker(): void {
    const old = this.worker;
    this.worker = null;
    // A statement in native code finishes before the thread ends; its answer is ignored.
    if (old) old.terminate().catch((error: unknown) => console.error(`[history] stopping the ${this.name} reader failed`, error));
  }

  private next(): void {
    if (this.running || this.disposed) return;
    const call = this.queue.shift();
    if (!call) return;
    this.running = call;
    this.ensureWorker().postMessage(call.request);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const call of this.queue.splice(0)) call.reject(new AppError('internal', 'History is closed'));
    this.running?.reject(new AppError('internal', 'History is closed'));
    this.running = null;
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }
}

function superseded(): AppError {
  return new AppError('cancelled', 'A newer search replaced this one', true);
}

/**
 * The core's side of the history worker API: the same methods as {@link HistoryQueries}, run on
 * read-only connections in worker threads. Searches have a thread of their own, so a heavy one
 * delays neither the list, timelines and usage nor anything else the core does; a newer search
 * cancels the one in flight.
 */
export class HistoryClient implements Disposable {
  private nextId = 1;
  private readonly reads: Lane;
  private readonly searches: Lane;

  constructor(
    launch: HistoryWorkerLauncher,
    data: HistoryWorkerData,
    /** The zone usage days are counted in, said with each usage report. */
    private readonly timeZone: () => string | undefined = () => undefined,
    /** The person's model prices, over the shipped table. */
    private readonly prices: () => PriceOverrides = () => ({}),
  ) {
    this.reads = new Lane('read', () => launch(data));
    this.searches = new Lane('search', () => launch(data));
  }

  private call<M extends HistoryMethod>(method: M, args: Parameters<HistoryApi[M]>, lane = this.reads, supersede = false): Promise<ReturnType<HistoryApi[M]>> {
    const request = { id: this.nextId++, method, args } as HistoryRequest;
    return lane.call(request, supersede) as Promise<ReturnType<HistoryApi[M]>>;
  }

  sessions(q: Parameters<HistoryApi['sessions']>[0]): Promise<ReturnType<HistoryApi['sessions']>> {
    return q.query ? this.call('sessions', [q, this.prices()], this.searches, true) : this.call('sessions', [q, this.prices()]);
  }

  list(q: Parameters<HistoryApi['list']>[0]): Promise<ReturnType<HistoryApi['list']>> {
    return q.query ? this.call('list', [q, this.prices()], this.searches, true) : this.call('list', [q, this.prices()]);
  }

  facets(...args: Parameters<HistoryApi['facets']>): Promise<ReturnType<HistoryApi['facets']>> {
    return this.call('facets', args);
  }

  timeline(sessionId: string): Promise<ReturnType<HistoryApi['timeline']>> {
    return this.call('timeline', [sessionId, this.prices()]);
  }

  tool(sessionId: string, id: string): Promise<ReturnType<HistoryApi['tool']>> {
    return this.call('tool', [sessionId, id]);
  }

  async usage(q: Parameters<HistoryApi['usage']>[0]): Promise<ReturnType<HistoryApi['usage']>> {
    const report = await this.call('usage', [q, this.prices()]);
    const zone = this.timeZone();
    return zone ? { ...report, timeZone: zone } : report;
  }

  problems(...args: Parameters<HistoryApi['problems']>): Promise<ReturnType<HistoryApi['problems']>> {
    return this.call('problems', args);
  }

  async dispose(): Promise<void> {
    await Promise.all([this.reads.dispose(), this.searches.dispose()]);
  }
}
