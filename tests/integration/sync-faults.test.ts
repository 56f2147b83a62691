import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src-main/app';
import { BatchBuilder } from '../../src-main/sync/batch-builder';
import { SyncStore } from '../../src-main/sync/sync-store';
import { appUrlFor } from '../../src-server/database';
import type { RunningTeamServer } from '../../src-server/team-server';
import { FaultProxy } from '../helpers/fault-proxy';
import { freshDatabase, type TestDatabase } from '../helpers/postgres';
import { FAST_SYNC, desktop, expectConverged, openLocal, until } from '../helpers/sync-kit';
import { insertMessages, insertProject, insertSession, insertToolCall } from '../helpers/sync-rows';
import { asOwner, inviteCode, postJson, teamServer } from '../helpers/team-server';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';

// The fault matrix: a real desktop core, a real team server and real Postgres (a database of this
// file's own), each fault followed by the same checks: per stream the same rows on both sides, no
// duplicate (device_id, device_seq), the outbox drained.

let db: TestDatabase;
let server: RunningTeamServer;
const cleanup: (() => Promise<unknown> | unknown)[] = [];

beforeAll(async () => {
  db = await freshDatabase();
  server = await teamServer(db.url);
});
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});
afterAll(async () => {
  await server?.dispose();
  await db?.drop();
  removeTempDirs();
});

interface Joined {
  app: App;
  dbFile: string;
  dataDir: string;
  local: Database.Database;
  deviceId: string;
  projectId: string;
  sessionId: string;
}

/** A desktop enrolled in a new org with one project turned on and some of everything in it. */
async function joined(serverUrl = server.url, options: Parameters<typeof desktop>[0] = {}, dataDir?: string): Promise<Joined> {
  const { code } = await inviteCode(server);
  const d = desktop(options, dataDir);
  cleanup.push(() => d.app.dispose());
  const local = openLocal(d.dbFile);
  cleanup.push(() => local.close());
  // Rows written before the team existed: they leave only through the back-fill.
  const projectId = insertProject(local, 'shop');
  insertProject(local, 'private');
  const sessionId = insertSession(local, projectId);
  insertMessages(local, sessionId, 40);
  insertToolCall(local, sessionId, projectId);
  const status = await d.app.sync.enroll({ serverUrl, code });
  d.app.sync.setProject(projectId, true);
  return { ...d, local, deviceId: status.team!.deviceId, projectId, sessionId };
}

/** Rows written while the team is on: the live streams send them. */
function moreRows(j: Joined, count = 25): void {
  const s = insertSession(j.local, j.projectId);
  insertMessages(j.local, s, count);
  insertToolCall(j.local, s, j.projectId);
  j.local.prepare(`UPDATE sessions SET status = 'exited', version = version + 1 WHERE id = ?`).run(s);
}

function tokenOf(local: Database.Database): string {
  return (local.prepare(`SELECT device_token AS t FROM sync_team`).get() as { t: string }).t;
}

/** A batch built from the desktop's file as its loop would build it (the loop is paused meanwhile). */
function buildBody(j: Joined): string {
  const store = new SyncStore(j.local, Date.now);
  store.startBackfills();
  return new BatchBuilder(j.local, store).build(j.deviceId, 'everything', Date.now()).batch!.body;
}

describe('team sync fault matrix', () => {
  it('drains a project (back-fill, then live rows), and a replayed batch (duplicate) or an older range (overlap) changes nothing', async () => {
    const j = await joined();
    await expectConverged(j.dbFile, db.url, j.deviceId);
    j.app.sync.update({ paused: true });
    moreRows(j);
    const body = buildBody(j);
    const first = await postJson(`${server.url}/v1/sync/push`, null, tokenOf(j.local), body);
    expect(first.status).toBe(200);
    const again = await postJson(`${server.url}/v1/sync/push`, null, tokenOf(j.local), body);
    expect((again.body.streams as { status: string }[]).every((s) => s.status === 'duplicate')).toBe(true);
    // The desktop never saw those answers: its next push overlaps what the server has.
    moreRows(j, 5);
    j.app.sync.update({ paused: false });
    await expectConverged(j.dbFile, db.url, j.deviceId, 60);
  });

  it('two pushes racing from one device: one applies, the other is answered as a duplicate', async () => {
    const j = await joined();
    j.app.sync.update({ paused: true });
    await j.app.sync.idle();
    moreRows(j, 200);
    const body = buildBody(j);
    const token = tokenOf(j.local);
    const [a, b] = await Promise.all([postJson(`${server.url}/v1/sync/push`, null, token, body), postJson(`${server.url}/v1/sync/push`, null, token, body)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const statuses = [a, b].map((r) => (r.body.streams as { status: string }[]).map((s) => s.status).join(',')).sort();
    expect(statuses[0]!.split(',').every((s) => s === 'applied')).toBe(true);
    expect(statuses[1]!.split(',').every((s) => s === 'duplicate')).toBe(true);
    j.app.sync.update({ paused: false });
    await expectConverged(j.dbFile, db.url, j.deviceId, 200);
  });

  it('a gap (the server lost what it had acknowledged: a restore from backup) is answered 409, and the desktop rewinds and sends it again', async () => {
    const j = await joined();
    await expectConverged(j.dbFile, db.url, j.deviceId);
    j.app.sync.update({ paused: true });
    await j.app.sync.idle();
    // The team database goes back in time: its cursors and rows of this device with it.
    await asOwner(db.url, `DELETE FROM messages WHERE device_id = $1 AND device_seq > 10`, [j.deviceId]);
    await asOwner(db.url, `UPDATE sync_cursors SET acked_seq = 10 WHERE device_id = $1 AND stream LIKE 'messages%'`, [j.deviceId]);
    await asOwner(db.url, `DELETE FROM sessions WHERE device_id = $1`, [j.deviceId]);
    await asOwner(db.url, `UPDATE sync_cursors SET acked_seq = 0 WHERE device_id = $1 AND stream = 'sessions'`, [j.deviceId]);
    moreRows(j);
    j.app.sync.update({ paused: false });
    await expectConverged(j.dbFile, db.url, j.deviceId, 60);
  });

  it('a poison row is recorded as rejected on the server and never blocks its stream', async () => {
    const j = await joined();
    const s = insertSession(j.local, j.projectId);
    insertMessages(j.local, s, 3);
    // SQLite keeps what it is given: a sequence that is not a number reaches the server as text.
    j.local.prepare(`INSERT INTO messages (id, created_at, updated_at, session_id, role, text, sequence) VALUES ('poison-1', 1, 1, ?, 'user', 'bad', 'three')`).run(s);
    insertMessages(j.local, s, 3);
    await expectConverged(j.dbFile, db.url, j.deviceId);
    const rejected = await asOwner<{ row_id: string; reason: string }>(db.url, `SELECT row_id, reason FROM sync_rejections WHERE device_id = $1`, [j.deviceId]);
    expect(rejected).toEqual([{ row_id: 'poison-1', reason: expect.stringContaining('sequence') }]);
    await until(() => j.app.sync.status().rejectedRows === 1, 'the rejection to be counted');
  });

  it('a server that speaks only protocol 1 (older than the desktop): the desktop falls back to rows as objects and drains', async () => {
    // In front of the real server, an older one's answer to protocol 2; everything else passes through.
    const seen: number[] = [];
    const older = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        if (req.url === '/v1/sync/push') {
          const version = (JSON.parse(body.toString('utf8')) as { protocolVersion: number }).protocolVersion;
          seen.push(version);
          if (version !== 1) {
            res.writeHead(400, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ error: { code: 'unsupported_version', message: `Protocol ${version} is not supported; this server speaks 1` } }));
            return;
          }
        }
        const forward = http.request(`${server.url}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        forward.end(body);
      });
    });
    await new Promise<void>((resolve) => older.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise((resolve) => older.close(resolve)));
    const j = await joined(`http://127.0.0.1:${(older.address() as AddressInfo).port}`);
    moreRows(j);
    await expectConverged(j.dbFile, db.url, j.deviceId, 60);
    expect(seen[0]).toBe(2);
    expect(seen.slice(1).every((v) => v === 1)).toBe(true);
    expect(j.app.sync.status().lastError).toBeNull();
  });

  it('the server down for a while, then back on the same address: the desktop backs off, then drains', async () => {
    const own = await teamServer(db.url);
    const port = own.port;
    const j = await joined(own.url);
    await expectConverged(j.dbFile, db.url, j.deviceId);
    await own.dispose();
    moreRows(j);
    await until(() => j.app.sync.status().state === 'backoff' && j.app.sync.status().lastError?.includes('Nothing is listening'), 'the desktop to notice the server is gone');
    expect(j.app.sync.status().queueDepth).toBeGreaterThan(0);
    const back = await teamServer(db.url, { port });
    cleanup.push(() => back.dispose());
    await expectConverged(j.dbFile, db.url, j.deviceId);
    await until(() => j.app.sync.status().lastError === null && j.app.sync.status().state === 'idle', 'the error to clear');
  });

  it('Postgres unreachable behind the server: 503, back-off, and a drain once it is back', async () => {
    const proxy = await new FaultProxy(5432).start();
    cleanup.push(() => proxy.close());
    const appUrl = new URL(appUrlFor(db.url, undefined).url);
    appUrl.port = String(proxy.port);
    const own = await teamServer(db.url, { appDatabaseUrl: appUrl.toString(), connectTimeoutMs: 1_000, statementTimeoutMs: 2_000 });
    cleanup.push(() => own.dispose());
    const j = await joined(own.url);
    await expectConverged(j.dbFile, db.url, j.deviceId);
    proxy.setMode('refuse');
    moreRows(j);
    await until(() => j.app.sync.status().lastError?.includes('503'), 'the desktop to see the database is unavailable');
    proxy.setMode('hang');
    moreRows(j, 3);
    await until(() => j.app.sync.status().state === 'backoff', 'a hanging database to end in a back-off');
    proxy.setMode('pass');
    await expectConverged(j.dbFile, db.url, j.deviceId);
  });

  it('a request that hangs times out; an answer lost after the server committed is answered as a duplicate on retry', async () => {
    const proxy = await new FaultProxy(server.port).start();
    cleanup.push(() => proxy.close());
    const j = await joined(`http://127.0.0.1:${proxy.port}`, { requestTimeoutMs: 1_500 });
    await expectConverged(j.dbFile, db.url, j.deviceId);
    proxy.setMode('hang');
    moreRows(j);
    await until(() => j.app.sync.status().lastError?.includes('did not answer'), 'the request to time out');
    proxy.setMode('hold-responses');
    proxy.dropAll();
    const before = await asOwner<{ n: number }>(db.url, `SELECT coalesce(sum(acked_seq), 0)::int AS n FROM sync_cursors WHERE device_id = $1`, [j.deviceId]);
    // The server commits; its answer never arrives.
    await until(async () => (await asOwner<{ n: number }>(db.url, `SELECT coalesce(sum(acked_seq), 0)::int AS n FROM sync_cursors WHERE device_id = $1`, [j.deviceId]))[0]!.n > before[0]!.n, 'the server to commit');
    await until(() => j.app.sync.status().lastError?.includes('did not answer'), 'the answer to be given up on');
    proxy.dropAll();
    proxy.setMode('pass');
    await expectConverged(j.dbFile, db.url, j.deviceId);
  });

  it('a device clock years off changes nothing: order comes from the log, time from the server', async () => {
    const years = 6 * 365 * 24 * 3600 * 1000;
    const j = await joined(server.url, { clock: () => Date.now() + years });
    const s = insertSession(j.local, j.projectId, Date.now() + years);
    insertMessages(j.local, s, 10, Date.now() + years);
    insertMessages(j.local, s, 10, Date.UTC(1999, 0, 1));
    await expectConverged(j.dbFile, db.url, j.deviceId);
    const [received] = await asOwner<{ skew: number }>(db.url, `SELECT max(abs(extract(epoch FROM now() - received_at)))::int AS skew FROM messages WHERE device_id = $1`, [j.deviceId]);
    expect(received!.skew).toBeLessThan(600);
  });

  it('two organisations interleaved on one pooled connection never see each other', async () => {
    const single = await teamServer(db.url, { poolSize: 1 });
    cleanup.push(() => single.dispose());
    const a = await joined(single.url);
    const b = await joined(single.url);
    for (let round = 0; round < 3; round++) {
      moreRows(a, 10);
      moreRows(b, 10);
    }
    await expectConverged(a.dbFile, db.url, a.deviceId);
    await expectConverged(b.dbFile, db.url, b.deviceId);
    const orgOf = async (deviceId: string) => (await asOwner<{ org_id: string }>(db.url, `SELECT DISTINCT org_id FROM messages WHERE device_id = $1`, [deviceId])).map((r) => r.org_id);
    const [orgA] = await orgOf(a.deviceId);
    const [orgB] = await orgOf(b.deviceId);
    expect(orgA).not.toBe(orgB);
    // Through the server's own single connection: each org sees its rows only, and nothing lingers after a transaction.
    const client = await single.pool.connect();
    try {
      expect((await client.query(`SELECT current_setting('app.org_id', true) AS o`)).rows).toEqual([{ o: '' }]);
      await client.query('BEGIN');
      await client.query(`SELECT set_config('app.org_id', $1, true)`, [orgA]);
      const seen = (await client.query<{ device_id: string }>(`SELECT DISTINCT device_id FROM messages`)).rows.map((r) => r.device_id);
      await client.query('COMMIT');
      expect(seen).toEqual([a.deviceId]);
    } finally {
      client.release();
    }
  });
});

const CHILD = path.resolve(__dirname, '../helpers/sync-desktop-child.ts');

function startChild(dataDir: string, fault?: string): { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir], {
    env: { ...process.env, HOME: dataDir, PITWALL_TEST_SYNC_FAULT: fault ?? '', PITWALL_TEST_SYNC_TIMEOUT_MS: '20000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  cleanup.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  });
  return { child, exited, output: () => output };
}

/** A desktop set up in-process (paused), then closed: the children take over its data folder. */
async function preparedDesktop(serverUrl: string): Promise<Joined> {
  const dataDir = tempDir('pitwall-sync-kill-');
  const j = await joined(serverUrl, { idleIntervalMs: 60_000 }, dataDir);
  j.app.sync.update({ paused: true });
  await j.app.dispose();
  // The rows the crashed push will carry; then the loop may run again.
  moreRows(j, 30);
  j.local.prepare(`UPDATE sync_team SET paused = 0`).run();
  return j;
}

describe('team sync: the desktop killed mid-push and restarted on the same file', () => {
  for (const point of ['before-send', 'after-answer'] as const) {
    it(`killed ${point === 'before-send' ? 'before sending' : 'after the answer but before the local cursor moved'}`, async () => {
      const j = await preparedDesktop(server.url);
      const serverCursors = async () => (await asOwner<{ n: number }>(db.url, `SELECT coalesce(sum(acked_seq), 0)::int AS n FROM sync_cursors WHERE device_id = $1`, [j.deviceId]))[0]!.n;
      const before = await serverCursors();
      const crashed = startChild(j.dataDir, point);
      expect(await crashed.exited, crashed.output()).toEqual({ code: null, signal: 'SIGKILL' });
      if (point === 'before-send') expect(await serverCursors()).toBe(before);
      else expect(await serverCursors()).toBeGreaterThan(before);
      expect((j.local.prepare(`SELECT count(*) AS n FROM sync_outbox`).get() as { n: number }).n).toBeGreaterThan(0);
      startChild(j.dataDir);
      await expectConverged(j.dbFile, db.url, j.deviceId, 70);
    });
  }

  it('killed after the server committed but before the answer arrived', async () => {
    const proxy = await new FaultProxy(server.port).start();
    cleanup.push(() => proxy.close());
    const j = await preparedDesktop(`http://127.0.0.1:${proxy.port}`);
    proxy.setMode('hold-responses');
    const serverCursors = async () => (await asOwner<{ n: number }>(db.url, `SELECT coalesce(sum(acked_seq), 0)::int AS n FROM sync_cursors WHERE device_id = $1`, [j.deviceId]))[0]!.n;
    const before = await serverCursors();
    const localCursors = () => (j.local.prepare(`SELECT coalesce(sum(acked_seq), 0) AS n FROM sync_state`).get() as { n: number }).n;
    const localBefore = localCursors();
    const crashed = startChild(j.dataDir);
    await until(async () => (await serverCursors()) > before, 'the server to commit the push');
    crashed.child.kill('SIGKILL');
    expect(await crashed.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // The answer never arrived: the desktop's cursors did not move.
    expect(localCursors()).toBe(localBefore);
    proxy.dropAll();
    proxy.setMode('pass');
    startChild(j.dataDir);
    await expectConverged(j.dbFile, db.url, j.deviceId, 70);
  });
});

describe('metadata-only team, end to end', () => {
  it('pushes no text, and the server accepts every row', async () => {
    const { code } = await inviteCode(server, 'Quiet', 'metadata');
    const d = desktop(FAST_SYNC);
    cleanup.push(() => d.app.dispose());
    const local = openLocal(d.dbFile);
    cleanup.push(() => local.close());
    const projectId = insertProject(local, 'shop');
    const s = insertSession(local, projectId);
    insertMessages(local, s, 5);
    insertToolCall(local, s, projectId);
    const status = await d.app.sync.enroll({ serverUrl: server.url, code });
    expect(status.team!.orgContentLevel).toBe('metadata');
    d.app.sync.setProject(projectId, true);
    await expectConverged(d.dbFile, db.url, status.team!.deviceId);
    const texts = await asOwner<{ text: string }>(db.url, `SELECT DISTINCT text FROM messages WHERE device_id = $1`, [status.team!.deviceId]);
    expect(texts).toEqual([{ text: '' }]);
    expect(await asOwner(db.url, `SELECT * FROM sync_rejections WHERE device_id = $1`, [status.team!.deviceId])).toEqual([]);
  });
});
