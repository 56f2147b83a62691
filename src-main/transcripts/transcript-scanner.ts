import { inThreadLines, type LineBatchSource } from './line-batches';
import { findTranscriptFiles, type TranscriptRoot } from './transcript-sources';
import type { IngestResult, PreparedIngest, TranscriptIngester } from './transcript-ingester';

/** How far a scan has got. */
export interface ScanProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  problems: number;
  done: boolean;
}

/** What else a scan is told and asked. */
export interface ScanOptions {
  /** After each file. */
  onFile?: (result: IngestResult) => void;
  /** Asked before each file: a scan stops between files, never inside one. */
  shouldStop?: () => boolean;
  /** Where line files are read and parsed: a `ParseThread` to do it beside the writes; by default this thread. */
  lines?: LineBatchSource;
}

/** How many files past the one being written are asked for (a file is stat'ed and its cursor read; nothing written). */
const FILES_AHEAD = 4;
/** Rows of about this much input are indexed for search (and their sessions' totals counted) together while a scan runs. */
const SEARCH_INDEX_EVERY_BYTES = 64 * 1024 * 1024;

/**
 * Reads every transcript file under the roots, newest first (what a person looks at first is there
 * first). Files already read and unchanged cost one stat. Rows are indexed for search and their
 * sessions' totals counted in bulk, every {@link SEARCH_INDEX_EVERY_BYTES} of input and at the end (also when stopped).
 * Files are written one after the other, in that order, whichever thread parses them.
 */
export async function scanTranscripts(
  roots: TranscriptRoot[],
  ingester: TranscriptIngester,
  onProgress: (progress: ScanProgress) => void,
  { onFile = () => {}, shouldStop = () => false, lines = inThreadLines }: ScanOptions = {},
): Promise<ScanProgress> {
  const files = await findTranscriptFiles(roots);
  const progress: ScanProgress = { filesDone: 0, filesTotal: files.length, bytesDone: 0, bytesTotal: files.reduce((n, f) => n + f.size, 0), problems: 0, done: false };
  onProgress({ ...progress });
  let last = 0;
  let unindexed = 0;
  const store = ingester.store;
  // Files are asked for ahead of the one being written, so a parse thread can go on into the next
  // ones (as far as its credits let it) instead of waiting for each to be asked. One after the other:
  // a parse thread reads them in the order asked, and must read them in the order they are written, or
  // it would hold its credits on a later file while the writer waits for an earlier one.
  const asked: Promise<PreparedIngest>[] = [];
  let next = 0;
  let lastAsked: Promise<unknown> = Promise.resolve();
  const ask = (file: (typeof files)[number]): void => {
    const prepared = lastAsked.then(() => ingester.prepare(file.path, file.source, lines));
    asked.push(prepared);
    lastAsked = prepared;
  };
  store.beginBulk();
  try {
    for (let i = 0; i < files.length; i++) {
      const file = files[i]!;
      if (shouldStop()) break;
      for (; next < files.length && next <= i + FILES_AHEAD; next++) ask(files[next]!);
      const prepared = await asked.shift()!;
      const result = await ingester.complete(prepared);
      progress.filesDone += 1;
      progress.bytesDone += file.size;
      progress.problems += result.problems;
      unindexed += result.bytes;
      if (unindexed >= SEARCH_INDEX_EVERY_BYTES) {
        unindexed = 0;
        store.catchUp(true);
      }
      onFile(result);
      const now = Date.now();
      if (now - last >= 100) {
        last = now;
        onProgress({ ...progress });
      }
    }
  } finally {
    // Stopped (or failed) with files asked for: they are not read any further.
    for (const prepared of asked) ingester.abandon(await prepared);
    store.endBulk();
  }
  progress.done = true;
  onProgress({ ...progress });
  return progress;
}
