import { workerScanHandle } from '../../src-main/transcripts/scan-launcher';
import type { ScanLauncher } from '../../src-main/transcripts/transcript-service';
import { PARSE_WORKER, workerFromSource } from './worker-from-source';

/** Runs the real scan worker from source (through tsx), as the built app runs its bundle, with its parse worker from source too. */
export const scanLaunchFromSource: ScanLauncher = (data) =>
  workerScanHandle(workerFromSource('src-main/transcripts/scan-worker.ts', { workerData: { ...data, parseWorker: PARSE_WORKER } }));
