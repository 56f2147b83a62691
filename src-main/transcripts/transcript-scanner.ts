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

/**
 * Reads every transcript file under the roots, newest first (what a person looks at first is there
 * first). Files already read and unchanged cost one stat.
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
  for (const file of files) {
    if (shouldStop()) break;
    const result = await ingester.ingest(file.path, file.source);
    progress.filesDone += 1;
    progress.bytesDone += file.size;
    progress.problems += result.problems;
    onFile(result);
    const now = Date.now();
    if (now - last >= 100) {
      last = now;
      onProgress({ ...progress });
    }
  }
  progress.done = true;
  onProgress({ ...progress });
  return progress;
}
