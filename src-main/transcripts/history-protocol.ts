import type { AppErrorData } from '../../src-common/result';
import type { HistoryQueries } from './history-queries';

/** The read side the history worker serves: every public query of {@link HistoryQueries}. */
export type HistoryApi = Pick<HistoryQueries, 'sessions' | 'list' | 'facets' | 'timeline' | 'tool' | 'usage' | 'problems'>;
/** A method of {@link HistoryApi}. */
export type HistoryMethod = keyof HistoryApi;

/** What the main thread hands the history worker. */
export interface HistoryWorkerData {
  dbFile: string;
  nativeBinding: string | null;
}

/** One call posted to the worker. */
export type HistoryRequest = { [M in HistoryMethod]: { id: number; method: M; args: Parameters<HistoryApi[M]> } }[HistoryMethod];

/** The worker's answer to one call: errors as data. */
export type HistoryResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: AppErrorData };
