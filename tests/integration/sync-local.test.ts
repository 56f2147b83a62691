import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../db/client';
import { pushRequestSchema } from '../../src-common/sync/protocol';
import { BatchBuilder } from '../../src-main/sync/batch-builder';
import { SyncStore } from '../../src-main/sync/sync-store';
import { insertMessages, insertProject, insertSession, insertToolCall } from '../helpers/sync-rows';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { MIGRATIONS_DIR } from '../helpers/test-app';

afterAll(removeTempDirs);

const DEVICE = '0190a0a0-0000-7000-8000-000000000001';
let handle: DatabaseHandle;
let store: SyncStore;

function enroll(): void {
  store.enroll(
    { serverUrl: 'https://team.test', orgId: DEVICE, orgName: 'Acme', deviceId: DEVICE, deviceToken: 'pw1.token', orgContentLevel: 'everything', contentLevel: 'everything', allowInsecureHttp: false, enrolledAt: 1 },
    store.startCursors(),
  );
}

function outboxCount(): number {
  return (handle.sqlite.prepare(`SELECT count(*) AS n FROM sync_outbox`).get() as { n: number }).n;
}

/** Builds and "acknowledges" batches until nothing is left, as a server that accepts everything would. */
function drain(builder: BatchBuilder, level: 'everything' | 'metadata' = 'everything') {
  const sent: { stream: string; seq: number; row: Record<string, unknown> }[] = [];
  for (let round = 0; round < 1000; round++) {
    store.startBackfills();
    const { batch, exhaustedBackfills } = builder.build(DEVICE, level, Date.now());
    store.closeBackfillStreams(exhaustedBackfills);
    if (!batch) return sent;
    const parsed = pushRequestSchema.parse(JSON.parse(batch.body));
    for (const s of parsed.streams) for (const r of s.rows) sent.push({ stream: s.stream, seq: r.seq, row: r.row });
    store.ack(parsed.streams.map((s) => ({ stream: s.stream, ackedSeq: s.toSeq })));
  }
  throw new Error('did not drain');
}

beforeEach(() => {
  handle = openDatabase({ file: path.join(tempDir('pitwall-sync-local-'), 'pitwall.db'), migrationsDir: MIGRATIONS_DIR });
  store = new SyncStore(handle.sqlite, Date.now);
});
afterEach(() => handle.close());

describe('team sync, local side', () => {
  it('accumulates nothing until a team is configured and a project is turned on', () => {
    const project = insertProject(handle.sqlite, 'shop');
    const session = insertSession(handle.sqlite, project);
    insertMessages(handle.sqlite, session, 5);
    insertToolCall(handle.sqlite, session, project);
    handle.sqlite.prepare(`UPDATE sessions SET title = 'renamed', version = version + 1 WHERE id = ?`).run(session);
    expect(outboxCount()).toBe(0);
    enroll();
    handle.sqlite.prepare(`UPDATE sessions SET title = 'again', version = version + 1 WHERE id = ?`).run(session);
    expect(outboxCount()).toBe(0);
    expect(new BatchBuilder(handle.sqlite, store).build(DEVICE, 'everything', 1).batch).toBeNull();
  });

  it('back-fills a project when it is turned on, then follows it, and never sends another project', () => {
    const shop = insertProject(handle.sqlite, 'shop');
    const other = insertProject(handle.sqlite, 'private');
    const s1 = insertSession(handle.sqlite, shop);
    const old = insertMessages(handle.sqlite, s1, 30);
    const hidden = insertSession(handle.sqlite, other);
    const hiddenMessages = insertMessages(handle.sqlite, hidden, 10);
    enroll();
    // Written after enrollment, before the project is on: the live stream skips them, the back-fill sends them.
    const between = insertMessages(handle.sqlite, s1, 5);
    store.setProject(shop, true);
    const after = insertMessages(handle.sqlite, s1, 7);
    insertMessages(handle.sqlite, hidden, 3);
    const builder = new BatchBuilder(handle.sqlite, store, { maxRows: 8, maxBytes: 1_000_000 });
    const sent = drain(builder);
    const messageIds = new Set(sent.filter((s) => s.stream.startsWith('messages')).map((s) => s.row.id));
    expect([...old, ...between, ...after].every((id) => messageIds.has(id))).toBe(true);
    expect(hiddenMessages.some((id) => messageIds.has(id))).toBe(false);
    expect(sent.some((s) => s.row.project_id === other || s.row.id === other || s.row.id === hidden)).toBe(false);
    const tables = new Set(sent.map((s) => s.stream.split('~')[0]));
    expect([...tables].sort()).toEqual(['machines', 'messages', 'projects', 'sessions'].filter((t) => t !== 'machines' || sent.some((s) => s.stream === 'machines')).sort());
    // Everything acknowledged: the outbox is empty and the back-fill is closed.
    expect(outboxCount()).toBe(0);
    expect(handle.sqlite.prepare(`SELECT count(*) AS n FROM sync_backfills`).get()).toEqual({ n: 0 });
    expect(store.streams().filter((s) => s.upToSeq !== null)).toEqual([]);
  });

  it('sends a session’s earlier rows when it joins a synced project later', () => {
    const shop = insertProject(handle.sqlite, 'shop');
    enroll();
    store.setProject(shop, true);
    drain(new BatchBuilder(handle.sqlite, store));
    const loose = insertSession(handle.sqlite, null);
    const early = insertMessages(handle.sqlite, loose, 4);
    const { toolCallId, approvalId } = insertToolCall(handle.sqlite, loose, null);
    const builder = new BatchBuilder(handle.sqlite, store);
    expect(drain(builder).filter((s) => s.stream !== 'messages' && s.stream !== 'tool_calls')).toEqual([]);
    handle.sqlite.prepare(`UPDATE sessions SET project_id = ?, version = version + 1 WHERE id = ?`).run(shop, loose);
    const sent = drain(builder);
    const ids = new Set(sent.map((s) => s.row.id));
    for (const id of [loose, ...early, toolCallId, approvalId]) expect(ids.has(id), id).toBe(true);
  });

  it('applies the metadata-only content level when it builds a batch', () => {
    const shop = insertProject(handle.sqlite, 'shop');
    const s1 = insertSession(handle.sqlite, shop);
    insertMessages(handle.sqlite, s1, 2);
    insertToolCall(handle.sqlite, s1, shop);
    enroll();
    store.setProject(shop, true);
    const sent = drain(new BatchBuilder(handle.sqlite, store), 'metadata');
    const body = JSON.stringify(sent);
    expect(body).not.toContain('the parser reads tokens');
    expect(body).not.toContain('SECRET=1');
    expect(body).not.toContain('cat .env');
    expect(body).not.toContain('looks fine');
    const message = sent.find((s) => s.stream.startsWith('messages'))!.row;
    expect(message).toMatchObject({ text: '', model: 'claude-sonnet-4', input_tokens: 10, output_tokens: 20 });
    const tool = sent.find((s) => s.stream.startsWith('tool_calls'))!.row;
    expect(tool).toMatchObject({ name: 'Bash', input: '{}', output_summary: null, decision: 'allow', duration_ms: 12 });
    const session = sent.find((s) => s.stream === 'sessions')!.row;
    expect(session).toMatchObject({ title: null, prompt: null, models: '["claude-sonnet-4"]' });
  });

  it('sends a row updated many times once, as it last was, and deletes acknowledged outbox rows with the cursor move', () => {
    const shop = insertProject(handle.sqlite, 'shop');
    enroll();
    store.setProject(shop, true);
    const s1 = insertSession(handle.sqlite, shop);
    for (let n = 0; n < 5; n++) handle.sqlite.prepare(`UPDATE sessions SET status_detail = ?, version = version + 1 WHERE id = ?`).run(`step ${n}`, s1);
    const builder = new BatchBuilder(handle.sqlite, store);
    const { batch } = builder.build(DEVICE, 'everything', 1);
    const parsed = pushRequestSchema.parse(JSON.parse(batch!.body));
    const sessions = parsed.streams.find((s) => s.stream === 'sessions')!;
    expect(sessions.rows.filter((r) => r.row.id === s1)).toHaveLength(1);
    expect(sessions.rows.find((r) => r.row.id === s1)!.row).toMatchObject({ status_detail: 'step 4', version: 6 });
    const before = outboxCount();
    expect(before).toBeGreaterThan(5);
    // The ack of a part of the range releases only that part.
    const upTo = sessions.rows[0]!.seq - 3;
    const covered = (handle.sqlite.prepare(`SELECT count(*) AS n FROM sync_outbox WHERE tbl = 'sessions' AND seq <= ?`).get(upTo) as { n: number }).n;
    expect(covered).toBeGreaterThan(0);
    store.ack([{ stream: 'sessions', ackedSeq: upTo }]);
    expect(outboxCount()).toBe(before - covered);
    expect(store.cursor('sessions')).toBe(upTo);
  });

  it('records the deletion of an appended row (a transcript message replaced) for the server', () => {
    const shop = insertProject(handle.sqlite, 'shop');
    const s1 = insertSession(handle.sqlite, shop);
    enroll();
    store.setProject(shop, true);
    const [first] = insertMessages(handle.sqlite, s1, 3);
    drain(new BatchBuilder(handle.sqlite, store));
    handle.sqlite.prepare(`DELETE FROM messages WHERE id = ?`).run(first);
    const sent = drain(new BatchBuilder(handle.sqlite, store));
    expect(sent).toEqual([{ stream: 'deletes', seq: expect.any(Number), row: { tbl: 'messages', id: first } }]);
  });

  it('keeps each batch within its row and byte limits and cuts the range where it stopped', () => {
    const shop = insertProject(handle.sqlite, 'shop');
    const s1 = insertSession(handle.sqlite, shop);
    enroll();
    store.setProject(shop, true);
    drain(new BatchBuilder(handle.sqlite, store));
    insertMessages(handle.sqlite, s1, 50, Date.now(), (n) => `${n} ${'x'.repeat(1000)}`);
    const builder = new BatchBuilder(handle.sqlite, store, { maxRows: 1000, maxBytes: 10_000 });
    const { batch } = builder.build(DEVICE, 'everything', 1);
    expect(batch!.more).toBe(true);
    expect(batch!.body.length).toBeLessThan(12_000);
    const stream = pushRequestSchema.parse(JSON.parse(batch!.body)).streams[0]!;
    expect(stream.toSeq).toBe(stream.rows[stream.rows.length - 1]!.seq);
  });
});

describe('migration 0006 (team sync)', () => {
  it('drops what the old triggers accumulated and adds the sync tables', () => {
    const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
    const index = journal.entries.findIndex((e) => e.tag.endsWith('_team_sync'));
    expect(index).toBeGreaterThan(0);
    const dir = tempDir('pitwall-migrations-');
    fs.mkdirSync(path.join(dir, 'meta'));
    const entries = journal.entries.slice(0, index);
    for (const e of entries) fs.copyFileSync(path.join(MIGRATIONS_DIR, `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`));
    fs.writeFileSync(path.join(dir, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries }));
    const file = path.join(tempDir(), 'old.db');
    const old = openDatabase({ file, migrationsDir: dir });
    old.sqlite.prepare(`INSERT INTO sync_outbox (tbl, row_id, op, row_json, row_version) VALUES ('projects', 'p1', 'insert', '{}', 1)`).run();
    old.sqlite.prepare(`INSERT INTO projects (id, created_at, updated_at, name, path, config) VALUES ('p1', 1, 1, 'a', '/a', '{}')`).run();
    old.close();
    const upgraded = openDatabase({ file, migrationsDir: MIGRATIONS_DIR });
    expect(upgraded.sqlite.prepare(`SELECT count(*) AS n FROM sync_outbox`).get()).toEqual({ n: 0 });
    expect(upgraded.sqlite.prepare(`SELECT name FROM projects`).all()).toEqual([{ name: 'a' }]);
    const columns = (upgraded.sqlite.prepare(`PRAGMA table_info(sync_state)`).all() as { name: string }[]).map((c) => c.name);
    expect(columns).toContain('up_to_seq');
    for (const table of ['sync_team', 'sync_projects', 'sync_backfills']) {
      expect(upgraded.sqlite.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = ?`).get(table)).toEqual({ n: 1 });
    }
    upgraded.close();
  });
});
