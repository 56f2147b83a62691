import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../db/client';
import { WriteTurns } from '../../db/write-turns';
import type { ScanWorkerMessage } from '../../src-main/transcripts/scan-worker';
import { scanLaunchFromSource } from '../helpers/scan-launch';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { MIGRATIONS_DIR } from '../helpers/test-app';
import { median, percentile, row } from './bench-utils';
import { ensureTranscriptCorpus } from './transcript-corpus';

// The core's own writes while a first scan runs in its worker (as the app runs it): one small write
// transaction every 20 ms through the core's connection, timed, with the scan making way for them
// (WriteTurns) and without; next to the same writes on a database nobody else writes to.

const MEGABYTES = Number(process.env.PITWALL_BENCH_CONTENTION_MB ?? 256);
const EVERY_MS = 20;

interface Waits {
  writes: number;
  median: number;
  p95: number;
  max: number;
  scanMs: number;
}

/** Times core writes every {@link EVERY_MS} until `until` settles. */
async function timeWrites(write: () => void, until: Promise<unknown>): Promise<number[]> {
  const waits: number[] = [];
  let done = false;
  void until.finally(() => (done = true));
  while (!done) {
    const t = performance.now();
    write();
    waits.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, EVERY_MS));
  }
  return waits;
}

async function run(projectsDir: string, mode: 'idle' | 'turns' | 'no turns'): Promise<Waits> {
  const dir = tempDir('pitwall-bench-contention-');
  const dbFile = path.join(dir, 'pitwall.db');
  const turns = new WriteTurns();
  const core = openDatabase({ file: dbFile, migrationsDir: MIGRATIONS_DIR, ...(mode === 'turns' ? { writeTurns: turns } : {}) });
  try {
    core.sqlite.exec(`CREATE TABLE IF NOT EXISTS bench_probe (id INTEGER PRIMARY KEY, at INTEGER)`);
    const insert = core.sqlite.prepare(`INSERT INTO bench_probe (at) VALUES (?)`);
    const write = core.sqlite.transaction(() => insert.run(Date.now()));
    const started = performance.now();
    let scanned: Promise<number>;
    if (mode === 'idle') {
      scanned = new Promise((r) => setTimeout(() => r(0), 3000));
    } else {
      const handle = scanLaunchFromSource({
        dbFile,
        migrationsDir: MIGRATIONS_DIR,
        nativeBinding: null,
        roots: [{ source: 'claude-code', path: projectsDir }],
        timeZone: 'UTC',
        ...(mode === 'turns' ? { writeTurns: turns.buffer } : {}),
      });
      scanned = new Promise((resolve, reject) => {
        handle.onMessage((m: ScanWorkerMessage) => {
          if (m.type === 'error') reject(new Error(m.message));
        });
        handle.onExit((error) => (error ? reject(error) : resolve(performance.now() - started)));
      });
    }
    const waits = await timeWrites(() => write.immediate(), scanned);
    return { writes: waits.length, median: median(waits), p95: percentile(waits, 95), max: Math.max(...waits), scanMs: await scanned };
  } finally {
    core.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the scan-contention benchmark. */
export async function benchScanContention(): Promise<void> {
  try {
    const corpus = await ensureTranscriptCorpus({ megabytes: MEGABYTES });
    console.log(`\ncore writes during a first scan of ${(corpus.bytes / 1024 / 1024).toFixed(0)} MB (a write transaction every ${EVERY_MS} ms)`);
    const fmt = (w: Waits) => [`median ${w.median.toFixed(1)} ms`, `p95 ${w.p95.toFixed(1)} ms`, `max ${w.max.toFixed(1)} ms`];
    const idle = await run(corpus.projectsDir, 'idle');
    row('baseline: the same writes, nobody else writing', ...fmt(idle));
    for (const mode of ['turns', 'no turns'] as const) {
      const w = await run(corpus.projectsDir, mode);
      row(`pitwall: during the scan, ${mode === 'turns' ? 'scan makes way' : 'scan does not make way'}`, ...fmt(w), `scan ${(w.scanMs / 1000).toFixed(2)} s`);
    }
  } finally {
    removeTempDirs();
  }
}
