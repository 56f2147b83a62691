import { findTranscriptFiles, type TranscriptRoot } from './transcript-sources';
import type { IngestResult, TranscriptIngester } from './transcript-ingester';

/** How far a scan has got. */
export interface ScanProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  problems: number;
  done: boolean;
}

/** Rows of about this much input are indexed for search (and their sessions' totals counted) together while a scan runs. */
const SEARCH_INDEX_EVERY_BYTES = 64 * 1024 * 1024;

/**
 * Reads every transcript file under the roots, newest first (what a person looks at first is there
 * first). Files already read and unchanged cost one stat. Rows are indexed for search and their
 * sessions' totals counted in bulk, every {@link SEARCH_INDEX_EVERY_BYTES} of input and at the end (also when stopped).
 */
export async function scanTranscripts(
  roots: TranscriptRoot[],
  ingester: TranscriptIngester,
  onProgress: (progress: ScanProgress) => void,
  onFile: (result: IngestResult) => void = () => {},
  shouldStop: () => boolean = () => false,
): Promise<ScanProgress> {
  const files = await findTranscriptFiles(roots);
  const progress: ScanProgress = { filesDone: 0, filesTotal: files.length, bytesDone: 0, bytesTotal: files.reduce((n, f) => n + f.size, 0), problems: 0, done: false };
  onProgress({ ...progress });
  let last = 0;
  let unindexed = 0;
  const store = ingester.store;
  store.beginBulk();
  try {
    for (const file of files) {
      if (shouldStop()) break;
      const result = await ingester.ingest(file.path, file.source);
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
    store.endBulk();
  }
  progress.done = true;
  onProgress({ ...progress });
  return progress;
}
