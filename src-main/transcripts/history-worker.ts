import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { AppError } from '../../src-common/result';
import { HistoryQueries } from './history-queries';
import type { HistoryRequest, HistoryResponse, HistoryWorkerData } from './history-protocol';

// History and Usage reads run here, on their own read-only connection, so a slow query never holds
// the core's thread (approvals, events, every other request). WAL lets this reader and the writers
// work at the same time.
const data = workerData as HistoryWorkerData;
const sqlite = new Database(data.dbFile, { readonly: true, fileMustExist: true, ...(data.nativeBinding ? { nativeBinding: data.nativeBinding } : {}) });
sqlite.pragma('query_only = ON');
sqlite.pragma('cache_size = -65536');
sqlite.pragma('mmap_size = 268435456');
const queries = new HistoryQueries(sqlite);

parentPort?.on('message', (request: HistoryRequest | 'close') => {
  if (request === 'close') {
    sqlite.close();
    parentPort?.close();
    return;
  }
  let response: HistoryResponse;
  try {
    const method = queries[request.method] as (...args: unknown[]) => unknown;
    response = { id: request.id, ok: true, value: method.apply(queries, request.args) };
  } catch (error) {
    response = {
      id: request.id,
      ok: false,
      error: error instanceof AppError ? error.toData() : { code: 'internal', message: (error as Error).message, retryable: false },
    };
  }
  parentPort?.postMessage(response);
});
