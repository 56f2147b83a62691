import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { HistoryWorkerLauncher } from '../../src-main/transcripts/history-client';

const WORKER = path.resolve(__dirname, '../../src-main/transcripts/history-worker.ts');

/** Runs the real history worker from source (through tsx), as the built app runs its bundle. */
export const historyWorkerFromSource: HistoryWorkerLauncher = (data) =>
  new Worker(`require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register(); require(${JSON.stringify(WORKER)});`, { eval: true, workerData: data });
