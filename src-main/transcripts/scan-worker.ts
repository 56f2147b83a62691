import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../../db/client';
import { WriteTurns } from '../../db/write-turns';
import { projectResolverFor } from './project-resolver';
import { ParseThread } from './parse-thread';
import { scanTranscripts } from './transcript-scanner';
import type { TranscriptRoot } from './transcript-sources';
import { TranscriptIngester } from './transcript-ingester';
import { TranscriptStore } from './transcript-store';
import { startWorker, type WorkerEntry } from './worker-entry';

/** What the main thread hands the scan worker. */
export interface ScanWorkerData {
  dbFile: string;
  migrationsDir: string;
  nativeBinding: string | null;
  roots: TranscriptRoot[];
  /** The zone usage days are counted in (`local` or an IANA name); the rollup is rebuilt first when it was built in another. */
  timeZone?: string;
  /** The parse worker (`transcript-parse.js` when built): line files are parsed on it while this thread writes; without it, here. */
  parseWorker?: WorkerEntry;
  /** The core's {@link WriteTurns}: the scan takes turns with the core's writes, between its own transactions. */
  writeTurns?: SharedArrayBuffer;
}

/** Messages the worker posts. */
export type ScanWorkerMessage =
  | { type: 'progress'; filesDone: number; filesTotal: number; bytesDone: number; bytesTotal: number; problems: number; done: boolean }
  | { type: 'file'; sessionId: string | null; outcome: string }
  | { type: 'error'; message: string };

// The first scan runs here, off the main thread, with its own connection (WAL lets both write in turn).
async function run(): Promise<void> {
  const data = workerData as ScanWorkerData;
  const database = openDatabase({ file: data.dbFile, migrationsDir: data.migrationsDir, ...(data.nativeBinding ? { nativeBinding: data.nativeBinding } : {}) });
  let stop = false;
  parentPort?.on('message', (m: unknown) => {
    if (m === 'stop') stop = true;
  });
  // Listening for 'stop' must not keep the worker alive once the scan is done.
  parentPort?.unref();
  const entry = data.parseWorker;
  const parseThread = entry ? new ParseThread(() => startWorker(entry)) : null;
  try {
    const turns = data.writeTurns ? new WriteTurns(data.writeTurns) : null;
    const store = new TranscriptStore(database.sqlite, projectResolverFor(database.sqlite), {
      timeZone: data.timeZone ?? 'local',
      ...(turns ? { writeTurn: <T>(transaction: () => T): T => turns.bulk(transaction) } : {}),
    });
    store.useTimeZone(data.timeZone ?? 'local');
    await scanTranscripts(data.roots, new TranscriptIngester(store), (p) => parentPort?.postMessage({ type: 'progress', ...p } satisfies ScanWorkerMessage), {
      onFile: (r) => {
        if (r.outcome === 'ingested') parentPort?.postMessage({ type: 'file', sessionId: r.sessionId, outcome: r.outcome } satisfies ScanWorkerMessage);
      },
      shouldStop: () => stop,
      ...(parseThread ? { lines: parseThread } : {}),
    });
  } finally {
    await parseThread?.dispose();
    database.close();
  }
}

run().catch((error: unknown) => {
  parentPort?.postMessage({ type: 'error', message: (error as Error).message } satisfies ScanWorkerMessage);
});
