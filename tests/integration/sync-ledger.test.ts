import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client';
import type { AgentProfile, Session } from '../../src-common/domain/agent';
import type { Project } from '../../src-common/domain/project';
import { RunLedger } from '../../src-main/runs/run-ledger';
import { revokeDevice } from '../../src-server/admin';
import type { RunningTeamServer } from '../../src-server/team-server';
import { makeRepo } from '../helpers/git-repo';
import { freshDatabase, type TestDatabase } from '../helpers/postgres';
import { desktop, expectConverged, openLocal, until } from '../helpers/sync-kit';
import { insertMessages, insertProject, insertSession } from '../helpers/sync-rows';
import { asOwner, inviteCode, teamServer } from '../helpers/team-server';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { MIGRATIONS_DIR } from '../helpers/test-app';
import { value } from '../helpers/wait';

// What the desktop records for the team besides sessions and transcripts (agent runs, lifecycle
// events, this machine), and that the outbox never grows for a team that will not take it.

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

describe('run ledger', () => {
  it('records each run of a session with its outcome and duration, closes a run a crash left open, and writes started and ended events', () => {
    const handle = openDatabase({ file: path.join(tempDir('pitwall-ledger-'), 'pitwall.db'), migrationsDir: MIGRATIONS_DIR });
    cleanup.push(() => handle.close());
    let now = 1_000;
    const ledger = new RunLedger(handle.db, { clock: () => now });
    const session = insertSession(handle.sqlite, insertProject(handle.sqlite, 'shop'));
    const first = ledger.runStarted({ sessionId: session, taskId: null, command: 'claude', resumed: false });
    now = 4_000;
    ledger.runEnded(session, 'exited', 0);
    // The core died with the second run: the third closes it as failed.
    ledger.runStarted({ sessionId: session, taskId: null, command: 'claude', resumed: true });
    now = 9_000;
    const third = ledger.runStarted({ sessionId: session, taskId: null, command: 'claude', resumed: true });
    const runs = handle.sqlite.prepare(`SELECT id, kind, command, status, exit_code AS exitCode, duration_ms AS durationMs, version FROM agent_runs ORDER BY created_at, id`).all();
    expect(runs).toEqual([
      { id: first, kind: 'agent', command: 'claude', status: 'exited', exitCode: 0, durationMs: 3_000, version: 2 },
      { id: expect.any(String), kind: 'agent', command: 'claude', status: 'failed', exitCode: null, durationMs: 5_000, version: 2 },
      { id: third, kind: 'agent', command: 'claude', status: 'running', exitCode: null, durationMs: null, version: 1 },
    ]);
    const events = handle.sqlite.prepare(`SELECT type, subject_table AS subjectTable, subject_id AS subjectId, at, data FROM events ORDER BY seq`).all() as { type: string; subjectId: string; data: string }[];
    expect(events.map((e) => e.type)).toEqual(['session.started', 'session.ended', 'session.started', 'session.started']);
    expect(events.every((e) => e.subjectId === session)).toBe(true);
    expect(JSON.parse(events[1]!.data)).toEqual({ runId: first, status: 'exited', exitCode: 0 });
  });
});

describe('team sync of runs, events and this machine', () => {
  it('a launched agent’s run and its events reach the team server, with this machine, and the outbox drains', async () => {
    const d = desktop();
    cleanup.push(() => d.app.dispose());
    cleanup.push(() => d.app.sessions.shutdownAgents().catch(() => undefined));
    await d.app.ready;
    const project = value<Project>(await d.app.router.dispatch('projects:add', { path: makeRepo() }));
    const profile = value<AgentProfile>(await d.app.router.dispatch('profiles:create', { name: 'quick', kind: 'shell', command: '/bin/sh', args: ['-c', 'exit 3'] }));
    const { code } = await inviteCode(server);
    const status = await d.app.sync.enroll({ serverUrl: server.url, code });
    d.app.sync.setProject(project.id, true);
    const session = value<Session>(await d.app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id, cols: 80, rows: 24 }));
    await until(async () => value<Session>(await d.app.router.dispatch('sessions:get', { sessionId: session.id })).status === 'failed', 'the agent to exit');
    const deviceId = status.team!.deviceId;
    await expectConverged(d.dbFile, db.url, deviceId, 3);
    const runs = await asOwner(db.url, `SELECT session_id, kind, command, status, exit_code FROM agent_runs WHERE device_id = $1`, [deviceId]);
    expect(runs).toEqual([{ session_id: session.id, kind: 'agent', command: '/bin/sh', status: 'failed', exit_code: '3' }]);
    const events = await asOwner<{ type: string; subject_id: string }>(db.url, `SELECT type, subject_id FROM events WHERE device_id = $1 ORDER BY device_seq`, [deviceId]);
    expect(events).toEqual([
      { type: 'session.started', subject_id: session.id },
      { type: 'session.ended', subject_id: session.id },
    ]);
    const machines = await asOwner(db.url, `SELECT hostname, is_local FROM machines WHERE device_id = $1`, [deviceId]);
    expect(machines).toHaveLength(1);
    expect(machines[0]).toMatchObject({ is_local: true });
  });

  it('a device removed from its team drops what waits and accumulates nothing more', async () => {
    const { code, orgId } = await inviteCode(server);
    const d = desktop();
    cleanup.push(() => d.app.dispose());
    const local = openLocal(d.dbFile);
    cleanup.push(() => local.close());
    const projectId = insertProject(local, 'shop');
    const sessionId = insertSession(local, projectId);
    const status = await d.app.sync.enroll({ serverUrl: server.url, code });
    d.app.sync.setProject(projectId, true);
    await expectConverged(d.dbFile, db.url, status.team!.deviceId, 2);
    d.app.sync.update({ paused: true });
    await d.app.sync.idle();
    const outbox = () => (local.prepare(`SELECT count(*) AS n FROM sync_outbox`).get() as { n: number }).n;
    for (let n = 0; n < 5; n++) local.prepare(`UPDATE sessions SET status_detail = ?, version = version + 1 WHERE id = ?`).run(`step ${n}`, sessionId);
    expect(outbox()).toBe(5);
    expect(await revokeDevice(server.pool, orgId, status.team!.deviceId)).toBe(true);
    d.app.sync.update({ paused: false });
    await until(() => d.app.sync.status().state === 'removed', 'the device to learn it was removed');
    expect(outbox()).toBe(0);
    for (let n = 0; n < 5; n++) local.prepare(`UPDATE sessions SET status_detail = ?, version = version + 1 WHERE id = ?`).run(`later ${n}`, sessionId);
    insertMessages(local, sessionId, 3);
    expect(outbox()).toBe(0);
    expect(d.app.sync.status().lastError).toBe('This device was removed from the team.');
  });
});
