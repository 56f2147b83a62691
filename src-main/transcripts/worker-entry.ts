import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread's script, as data a worker can pass on to start another: the built `.js`, or a
 * TypeScript source with `preload`, a module that registers a loader for it (tests and benchmarks run tsx's).
 */
export interface WorkerEntry {
  file: string;
  preload?: string;
}

/** Starts the worker `entry` names. */
export function startWorker(entry: WorkerEntry, options: WorkerOptions = {}): Worker {
  if (!entry.preload) return new Worker(entry.file, options);
  return new Worker(`require(${JSON.stringify(entry.preload)}); require(${JSON.stringify(entry.file)});`, { ...options, eval: true });
}
