import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ScanWorkerData, ScanWorkerMessage } from './scan-worker';
import type { ScanHandle, ScanLauncher } from './transcript-service';

/** Wraps a worker thread as a {@link ScanHandle}. */
export function workerScanHandle(worker: Worker): ScanHandle {
  let exited = false;
  const exit = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    onMessage: (listener) => worker.on('message', (m: ScanWorkerMessage) => listener(m)),
    onExit: (listener) => {
      let error: Error | null = null;
      worker.on('error', (e) => {
        error = e;
      });
      worker.once('exit', (code) => {
        exited = true;
        listener(error ?? (code !== 0 && code !== 1 ? new Error(`the scan stopped with code ${code}`) : null));
      });
    },
    stop: async () => {
      if (exited) return;
      worker.postMessage('stop');
      const timer = setTimeout(() => {
        worker.terminate().catch(() => undefined);
      }, 2000);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** The built app's scan worker: `transcript-scan.js` next to the main entry, parsing on `transcript-parse.js`. */
export function builtScanLauncher(mainDir: string): ScanLauncher {
  return (data: ScanWorkerData) =>
    workerScanHandle(new Worker(path.join(mainDir, 'transcript-scan.js'), { workerData: { ...data, parseWorker: { file: path.join(mainDir, 'transcript-parse.js') } } satisfies ScanWorkerData }));
}
