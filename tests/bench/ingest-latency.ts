import fs from 'node:fs';
import path from 'node:path';
import { createApp } from '../../src-main/app';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { MIGRATIONS_DIR } from '../helpers/test-app';
import { ptyHostLaunchFromSource } from '../helpers/pty-host-launch';
import { historyWorkerFromSource } from '../helpers/history-worker-launch';
import { scanLaunchFromSource } from '../helpers/scan-launch';
import { median, row } from './bench-utils';

// From an agent appending a line to its transcript to that line being searchable in Pitwall, next to
// the time a bare fs.watch on the same file needs just to hear of the append.

const RUNS = 30;

function line(i: number, word: string): string {
  return `${JSON.stringify({ type: 'user', uuid: `u${i}`, sessionId: 's', timestamp: new Date().toISOString(), cwd: '/work', message: { role: 'user', content: `message ${i} ${word}` } })}\n`;
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setImmediate(r));
}

export async function benchIngestLatency(): Promise<void> {
  const home = tempDir('pitwall-bench-home-');
  const root = path.join(home, '.claude', 'projects');
  const file = path.join(root, '-work', '8c1b1a4e-0000-4000-8000-000000000001.jsonl');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, line(0, 'start'));
  const app = createApp({
    dataDir: tempDir('pitwall-bench-data-'),
    migrationsDir: MIGRATIONS_DIR,
    shell: 'headless',
    version: 'bench',
    ptyHostLaunch: ptyHostLaunchFromSource,
    transcriptRoots: [{ source: 'claude-code', path: root }],
    transcriptScanLaunch: scanLaunchFromSource,
    historyWorkerLaunch: historyWorkerFromSource,
  });
  try {
    await app.transcripts.scanDone();
    // The first query starts the history worker's statements (from source here, through tsx): timed on
    // its own, so the appends measure the live path only.
    const warmStart = performance.now();
    await app.router.dispatch('history:sessions', { query: 'warm' });
    const firstQuery = performance.now() - warmStart;
    const ours: number[] = [];
    const bare: number[] = [];
    let heard = 0;
    const watcher = fs.watch(file, () => (heard = performance.now()));
    for (let i = 1; i <= RUNS; i++) {
      const word = `needle${i}x`;
      heard = 0;
      const start = performance.now();
      fs.appendFileSync(file, line(i, word));
      let found = false;
      const poll = async (): Promise<void> => {
        const r = await app.router.dispatch('history:sessions', { query: word });
        found = r.ok && (r.value as unknown[]).length > 0;
      };
      while (!found) {
        await poll();
        if (!found) await new Promise((r) => setTimeout(r, 2));
      }
      ours.push(performance.now() - start);
      await until(() => heard > 0);
      bare.push(heard - start);
      await new Promise((r) => setTimeout(r, 50));
    }
    watcher.close();
    const sorted = [...ours].sort((a, b) => a - b);
    console.log(`\nappend -> searchable (${RUNS} appends to a watched Claude Code transcript)`);
    row('pitwall: append to row found by search', `${median(ours).toFixed(1)} ms`, `p95 ${sorted[Math.floor(RUNS * 0.95) - 1]!.toFixed(1)} ms`, `max ${sorted.at(-1)!.toFixed(1)} ms`);
    row('baseline: bare fs.watch hears the append', `${median(bare).toFixed(2)} ms`);
    row('first search after start (history worker cold)', `${firstQuery.toFixed(1)} ms`);
    row('target p95', '<= 25 ms');
  } finally {
    await app.dispose();
    removeTempDirs();
  }
}
