import type { HistoryWorkerLauncher } from '../../src-main/transcripts/history-client';
import { workerFromSource } from './worker-from-source';

/** Runs the real history worker from source (through tsx), as the built app runs its bundle. */
export const historyWorkerFromSource: HistoryWorkerLauncher = (data) => workerFromSource('src-main/transcripts/history-worker.ts', { workerData: data });
