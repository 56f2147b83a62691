import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { WriteTurns } from '../../db/write-turns';
import type { ScanLauncher } from '../../src-main/transcripts/transcript-service';
import { makeRepo } from '../helpers/git-repo';
import { scanLaunchFromSource } from '../helpers/scan-launch';
import { makeTestApp } from '../helpers/test-app';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { workerFromSource } from '../helpers/worker-from-source';

// The core's connection and a bulk writer in another thread (the first scan) take turns at writing:
// the core waits only for the transaction under way, the bulk writer's next one waits for the core.
// Both connections have no busy timeout here, so a write that found the lock taken would fail at once.

afterAll(removeTempDirs);

function setUp(): { file: string; core: Database.Database; turns: WriteTurns } {
  const file = path.join(tempDir('pitwall-turns-'), 'turns.db');
  const core = new Database(file);
  core.pragma('journal_mode = WAL');
  core.pragma('busy_timeout = 0');
  core.exec(`CREATE TABLE log (n INTEGER PRIMARY KEY, what TEXT NOT NULL)`);
  const turns = new WriteTurns();
  turns.countWritesOf(core);
  return { file, core, turns };
}

/** Starts the bulk writer and waits until its first transaction holds the write lock. */
async function bulkHoldingLock(file: string, turns: WriteTurns, holdMs: number): Promise<{ ended: Promise<void> }> {
  const signal = new SharedArrayBuffer(4);
  const worker = workerFromSource('tests/helpers/write-turns-child.ts', { workerData: { file, turns: turns.buffer, signal, holdMs } });
  const ended = new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the bulk writer exited with ${code}`))));
  });
  const cell = new Int32Array(signal);
  while (Atomics.load(cell, 0) === 0) await new Promise((r) => setTimeout(r, 5));
  // Wrapped: an async function returning the promise itself would wait for it.
  return { ended };
}

describe('write turns between the core and a bulk writer', () => {
  it("the core's write waits for the bulk transaction under way, and the bulk writer's next one waits for it", async () => {
    const { file, core, turns } = setUp();
    const { ended } = await bulkHoldingLock(file, turns, 300);
    // Through the counted connection: it waits for "bulk 1" to commit instead of failing on the lock.
    core.transaction(() => core.prepare(`INSERT INTO log (what) VALUES ('core')`).run()).immediate();
    await ended;
    expect(core.prepare(`SELECT what FROM log ORDER BY n`).pluck().all()).toEqual(['bulk 1', 'core', 'bulk 2']);
    core.close();
  });

  it('a read through the counted connection does not wait for the bulk writer', async () => {
    const { file, core, turns } = setUp();
    const { ended } = await bulkHoldingLock(file, turns, 300);
    // WAL: a reader sees the last commit while a writer holds the lock.
    expect(core.prepare(`SELECT count(*) FROM log`).pluck().get()).toBe(0);
    // A plain statement that writes is counted too (not only transactions): it also waits its turn.
    core.prepare(`INSERT INTO log (what) VALUES ('core')`).run();
    await ended;
    expect(core.prepare(`SELECT what FROM log ORDER BY n`).pluck().all()).toEqual(['bulk 1', 'core', 'bulk 2']);
    core.close();
  });

  it('a bulk writer terminated inside its transaction holds the core back no longer once it is gone', async () => {
    const { file, core } = setUp();
    // Waits of a minute at most: without bulkGone() the write below would outlast the test's timeout.
    const turns = new WriteTurns(new SharedArrayBuffer(8), 60_000);
    turns.countWritesOf(core);
    const signal = new SharedArrayBuffer(4);
    const worker = workerFromSource('tests/helpers/write-turns-child.ts', { workerData: { file, turns: turns.buffer, signal, holdMs: 60_000 } });
    const cell = new Int32Array(signal);
    while (Atomics.load(cell, 0) === 0) await new Promise((r) => setTimeout(r, 5));
    await worker.terminate();
    turns.bulkGone();
    // Its connection went with its thread (the transaction rolled back): the core writes at once.
    core.prepare(`INSERT INTO log (what) VALUES ('core')`).run();
    expect(core.prepare(`SELECT what FROM log ORDER BY n`).pluck().all()).toEqual(['core']);
    core.close();
  }, 20_000);

  it('without turns the same write finds the lock taken', async () => {
    const { file, turns } = setUp();
    const plain = new Database(file);
    plain.pragma('busy_timeout = 0');
    const { ended } = await bulkHoldingLock(file, turns, 300);
    expect(() => plain.prepare(`INSERT INTO log (what) VALUES ('core')`).run()).toThrow(/locked|busy/i);
    await ended;
    plain.close();
  });

  it("in the app, the first scan's worker is given the core connection's turns, and the core's writes take them", async () => {
    const dataDir = tempDir('pitwall-data-');
    let shared: SharedArrayBuffer | undefined;
    const capturing: ScanLauncher = (data) => {
      shared = data.writeTurns;
      return scanLaunchFromSource(data);
    };
    const app = makeTestApp(dataDir, { ...process.env, HOME: dataDir }, { transcriptScanLaunch: capturing, transcriptRoots: [] });
    try {
      await app.transcripts.scanDone();
      expect(shared).toBeInstanceOf(SharedArrayBuffer);
      const file = path.join(dataDir, 'pitwall.db');
      const setup = new Database(file);
      setup.exec(`CREATE TABLE log (n INTEGER PRIMARY KEY, what TEXT NOT NULL);
        CREATE TRIGGER log_project AFTER INSERT ON projects BEGIN INSERT INTO log (what) VALUES ('core'); END;`);
      setup.close();
      const { ended } = await bulkHoldingLock(file, new WriteTurns(shared), 1500);
      const added = await app.router.dispatch('projects:add', { path: makeRepo('turns') });
      expect(added.ok).toBe(true);
      await ended;
      // Without turns the core's busy handler would still be asleep when "bulk 2" took the lock.
      const check = new Database(file, { readonly: true });
      expect(check.prepare(`SELECT what FROM log ORDER BY n`).pluck().all()).toEqual(['bulk 1', 'core', 'bulk 2']);
      check.close();
    } finally {
      await app.dispose();
    }
  });
});
