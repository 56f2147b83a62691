import path from 'node:path';
import { openDatabase } from '../../db/client';
import { ParseThread } from '../../src-main/transcripts/parse-thread';
import { scanTranscripts } from '../../src-main/transcripts/transcript-scanner';
import { TranscriptIngester } from '../../src-main/transcripts/transcript-ingester';
import { TranscriptStore } from '../../src-main/transcripts/transcript-store';
import { startWorker } from '../../src-main/transcripts/worker-entry';
import { PARSE_WORKER } from '../helpers/worker-from-source';

// Run by the ingest benchmark in its own process (so its peak RSS is the scan's alone):
//   node --import tsx tests/bench/ingest-scan-child.ts <db file> <claude projects dir>
// Prints one JSON line: the scan's elapsed ms, the process's peak RSS (KiB) and the scan's final progress.
// Lines are parsed on a parse thread, as the app's scan worker parses them (PITWALL_BENCH_PARSE_THREAD=0: in this thread).

async function main(): Promise<void> {
  const [dbFile, projectsDir] = process.argv.slice(2);
  if (!dbFile || !projectsDir) throw new Error('usage: ingest-scan-child.ts <db file> <claude projects dir>');
  const database = openDatabase({ file: dbFile, migrationsDir: path.resolve(__dirname, '../../db/migrations') });
  let parseThread: ParseThread | null = null;
  try {
    // Days in UTC, as ccusage is run with --timezone UTC next to it.
    const store = new TranscriptStore(database.sqlite, () => null, { timeZone: 'UTC' });
    store.useTimeZone('UTC');
    const ingester = new TranscriptIngester(store);
    const started = performance.now();
    // Started inside the timing: the app's scan worker starts its parse thread for each scan too.
    if (process.env.PITWALL_BENCH_PARSE_THREAD !== '0') parseThread = new ParseThread(() => startWorker(PARSE_WORKER));
    const progress = await scanTranscripts([{ source: 'claude-code', path: projectsDir }], ingester, () => {}, parseThread ? { lines: parseThread } : {});
    const elapsedMs = performance.now() - started;
    process.stdout.write(`${JSON.stringify({ elapsedMs, maxRSS: process.resourceUsage().maxRSS, progress })}\n`);
  } finally {
    await parseThread?.dispose();
    database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
