import { openDatabase } from '../../db/client';
import { scanTranscripts } from '../../src-main/transcripts/transcript-scanner';
import { TranscriptIngester } from '../../src-main/transcripts/transcript-ingester';
import { TranscriptStore } from '../../src-main/transcripts/transcript-store';
import { MIGRATIONS_DIR } from './test-app';

// A first scan in a process of its own, so a test can kill it midway (SIGKILL, as a crash would):
//   node --import tsx tests/helpers/first-scan-child.ts <db file> <claude projects dir>
// Prints `file <n>` after each file it has read and `done` at the end.

async function main(): Promise<void> {
  const [dbFile, projectsDir] = process.argv.slice(2);
  if (!dbFile || !projectsDir) throw new Error('usage: first-scan-child.ts <db file> <claude projects dir>');
  const database = openDatabase({ file: dbFile, migrationsDir: MIGRATIONS_DIR });
  try {
    const store = new TranscriptStore(database.sqlite, () => null, { timeZone: 'UTC' });
    store.useTimeZone('UTC');
    let files = 0;
    await scanTranscripts([{ source: 'claude-code', path: projectsDir }], new TranscriptIngester(store), () => {}, {
      onFile: () => {
        files += 1;
        process.stdout.write(`file ${files}\n`);
      },
    });
    process.stdout.write('done\n');
  } finally {
    database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
