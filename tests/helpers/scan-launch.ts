import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { workerScanHandle } from '../../src-main/transcripts/scan-launcher';
import type { ScanLauncher } from '../../src-main/transcripts/transcript-service';

const WORKER = path.resolve(__dirname, '../../src-main/transcripts/scan-worker.ts');

/** Runs the real scan worker from source (through tsx), as the built app runs its bundle. */
export const scanLaunchFromSource: ScanLauncher = (data) =>
  workerScanHandle(
    new Worker(`require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register(); require(${JSON.stringify(WORKER)});`, { eval: true, workerData: data }),
  );
