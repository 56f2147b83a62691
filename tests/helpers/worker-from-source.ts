import path from 'node:path';
import type { Worker, WorkerOptions } from 'node:worker_threads';
import { startWorker, type WorkerEntry } from '../../src-main/transcripts/worker-entry';

const ROOT = path.resolve(__dirname, '../..');

/** A worker's TypeScript source (`relative` to the repository), run through tsx as the built app runs its bundle. */
export function sourceWorkerEntry(relative: string): WorkerEntry {
  return { file: path.join(ROOT, relative), preload: require.resolve('tsx/cjs') };
}

/** Starts a worker thread from its TypeScript source (`relative` to the repository). */
export function workerFromSource(relative: string, options: WorkerOptions = {}): Worker {
  return startWorker(sourceWorkerEntry(relative), options);
}

/** The parse worker a scan from source parses line files on. */
export const PARSE_WORKER = sourceWorkerEntry('src-main/transcripts/parse-worker.ts');
