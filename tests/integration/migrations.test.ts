import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client';
import { expectedTriggerNames, missingSyncTriggers } from '../../db/sync-triggers';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { MIGRATIONS_DIR } from '../helpers/test-app';

afterAll(removeTempDirs);

interface Journal {
  entries: { idx: number; tag: string }[];
}

const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as Journal;

/** A copy of the migrations folder holding only the first `count` migrations. */
function migrationsUpTo(count: number): string {
  const dir = tempDir('pitwall-migrations-');
  fs.mkdirSync(path.join(dir, 'meta'));
  const entries = journal.entries.slice(0, count);
  for (const entry of entries) fs.copyFileSync(path.join(MIGRATIONS_DIR, `${entry.tag}.sql`), path.join(dir, `${entry.tag}.sql`));
  fs.writeFileSync(path.join(dir, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries }));
  return dir;
}

function tables(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare(`SELECT name FROM sqlite_master WHERE type IN ('table') AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
  } finally {
    db.close();
  }
}

const DATA_MODEL = [
  'agent_profiles', 'agent_runs', 'approvals', 'events', 'machines', 'messages', 'permission_rules', 'projects',
  'sessions', 'settings', 'sync_outbox', 'sync_state', 'tasks', 'tool_calls', 'transcript_files', 'verification_runs', 'workspaces', 'worktrees',
];

describe('migrations', () => {
  it('create the whole data model in an empty file, with WAL, foreign keys and a busy timeout', () => {
    const file = path.join(tempDir(), 'empty.db');
    const handle = openDatabase({ file, migrationsDir: MIGRATIONS_DIR });
    expect(handle.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(handle.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(handle.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(missingSyncTriggers(handle.sqlite)).toEqual([]);
    handle.close();
    expect(tables(file)).toEqual(expect.arrayContaining([...DATA_MODEL, 'messages_fts']));
  });

  it('upgrade a file made by the previous migration without losing its rows', () => {
    expect(journal.entries.length).toBeGreaterThanOrEqual(2);
    const file = path.join(tempDir(), 'old.db');
    const old = openDatabase({ file, migrationsDir: migrationsUpTo(journal.entries.length - 1) });
    const now = Date.now();
    old.sqlite
      .prepare(`INSERT INTO projects (id, created_at, updated_at, name, path, config) VALUES ('p1', ?, ?, 'demo', '/tmp/demo', '{"baseBranch":"main"}')`)
      .run(now, now);
    old.sqlite
      .prepare(`INSERT INTO sessions (id, created_at, updated_at, source, agent_kind, status, project_id) VALUES ('s1', ?, ?, 'launched', 'shell', 'exited', 'p1')`)
      .run(now, now);
    old.sqlite
      .prepare(`INSERT INTO messages (id, created_at, updated_at, session_id, role, text, sequence) VALUES ('m1', ?, ?, 's1', 'user', 'refactor the parser please', 1)`)
      .run(now, now);
    old.close();

    const upgraded = openDatabase({ file, migrationsDir: MIGRATIONS_DIR });
    expect(upgraded.sqlite.prepare(`SELECT name FROM projects WHERE id = 'p1'`).get()).toEqual({ name: 'demo' });
    expect(upgraded.sqlite.prepare(`SELECT count(*) AS n FROM messages`).get()).toEqual({ n: 1 });
    const applied = upgraded.sqlite.prepare(`SELECT count(*) AS n FROM __drizzle_migrations`).get() as { n: number };
    expect(applied.n).toBe(journal.entries.length);
    // The newest migration's objects work on the old rows' successors.
    upgraded.sqlite
      .prepare(`INSERT INTO messages (id, created_at, updated_at, session_id, role, text, sequence) VALUES ('m2', ?, ?, 's1', 'assistant', 'the parser is refactored', 2)`)
      .run(now, now);
    const hits = upgraded.sqlite.prepare(`SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'refactored'`).all();
    expect(hits).toHaveLength(1);
    upgraded.close();
  });

  it('give existing profiles the prompt mode they had in effect: typed for Aider and any command, none for the built-in Shell', () => {
    const file = path.join(tempDir(), 'profiles.db');
    const before = journal.entries.findIndex((e) => e.tag.endsWith('_profile_prompt_mode'));
    expect(before).toBeGreaterThan(0);
    const old = openDatabase({ file, migrationsDir: migrationsUpTo(before) });
    const insert = old.sqlite.prepare(`INSERT INTO agent_profiles (id, created_at, updated_at, name, kind, command, built_in) VALUES (?, 1, 1, ?, ?, ?, ?)`);
    insert.run('claude', 'Claude Code', 'claude-code', 'claude', 1);
    insert.run('aider', 'Aider', 'aider', 'aider', 1);
    insert.run('shell', 'Shell', 'shell', '/bin/bash', 1);
    insert.run('mine', 'llm', 'shell', 'llm', 0);
    old.close();
    const upgraded = openDatabase({ file, migrationsDir: MIGRATIONS_DIR });
    const rows = upgraded.sqlite.prepare(`SELECT id, prompt_mode AS mode, version FROM agent_profiles ORDER BY id`).all();
    expect(rows).toEqual([
      { id: 'aider', mode: 'typed', version: 2 },
      { id: 'claude', mode: 'argument', version: 1 },
      { id: 'mine', mode: 'typed', version: 2 },
      { id: 'shell', mode: 'none', version: 2 },
    ]);
    upgraded.close();
  });

  it('are idempotent: opening a current file again applies nothing and keeps the triggers', () => {
    const file = path.join(tempDir(), 'twice.db');
    openDatabase({ file, migrationsDir: MIGRATIONS_DIR }).close();
    const again = openDatabase({ file, migrationsDir: MIGRATIONS_DIR });
    expect((again.sqlite.prepare(`SELECT count(*) AS n FROM __drizzle_migrations`).get() as { n: number }).n).toBe(journal.entries.length);
    expect(missingSyncTriggers(again.sqlite)).toEqual([]);
    again.close();
  });

  it('roll back entirely when a migration fails, leaving the file as it was', () => {
    const broken = migrationsUpTo(journal.entries.length);
    const bad = journal.entries.length;
    fs.writeFileSync(path.join(broken, `9999_broken.sql`), 'CREATE TABLE ok_table (x integer);\n--> statement-breakpoint\nTHIS IS NOT SQL;');
    const j = JSON.parse(fs.readFileSync(path.join(broken, 'meta', '_journal.json'), 'utf8')) as Journal & { entries: object[] };
    j.entries.push({ idx: bad, version: '6', when: Date.now() + 1000, tag: '9999_broken', breakpoints: true } as never);
    fs.writeFileSync(path.join(broken, 'meta', '_journal.json'), JSON.stringify(j));
    const file = path.join(tempDir(), 'broken.db');
    openDatabase({ file, migrationsDir: MIGRATIONS_DIR }).close();
    expect(() => openDatabase({ file, migrationsDir: broken })).toThrow();
    expect(tables(file)).not.toContain('ok_table');
  });
});

describe('the approvals tool-use index (0006)', () => {
  it('is added to a file made before it, and the hook path’s lookups use an index rather than a scan', () => {
    const file = path.join(tempDir(), 'before-tool-use-index.db');
    const index = journal.entries.findIndex((e) => e.tag === '0006_approvals_tool_use_index');
    expect(index).toBeGreaterThan(0);
    const old = openDatabase({ file, migrationsDir: migrationsUpTo(index) });
    old.sqlite.prepare(`INSERT INTO approvals (id, created_at, updated_at, tool_name, status, tool_use_id) VALUES ('a1', 1, 1, 'Bash', 'pending', 'toolu_1')`).run();
    old.close();
    const upgraded = openDatabase({ file, migrationsDir: MIGRATIONS_DIR });
    const plan = (sql: string) => (upgraded.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('; ');
    // A re-asked PreToolUse finds the approval it waited on; a PostToolUse finds its decision.
    expect(plan(`SELECT * FROM approvals WHERE session_id = 's' AND tool_use_id = 't' AND status IN ('pending', 'allowed', 'denied') ORDER BY created_at DESC`)).toContain('approvals_tool_use_idx');
    expect(plan(`SELECT * FROM tool_calls WHERE session_id = 's' AND external_id = 't' AND status = 'decided'`)).toContain('tool_calls_external_idx');
    expect(upgraded.sqlite.prepare(`SELECT id FROM approvals WHERE session_id IS NULL AND tool_use_id = 'toolu_1'`).get()).toEqual({ id: 'a1' });
    upgraded.close();
  });
});

describe('sync triggers', () => {
  it('write a full-row snapshot to the outbox on insert, update and soft delete of a project turned on for a team', () => {
    const handle = openDatabase({ file: path.join(tempDir(), 'outbox.db'), migrationsDir: MIGRATIONS_DIR });
    const { sqlite } = handle;
    sqlite.prepare(`INSERT INTO projects (id, created_at, updated_at, name, path, config) VALUES ('p1', 1, 1, 'a', '/a', '{}')`).run();
    expect(sqlite.prepare(`SELECT count(*) AS n FROM sync_outbox`).get()).toEqual({ n: 0 });
    sqlite.prepare(`INSERT INTO sync_projects (project_id, enabled_at) VALUES ('p1', 1)`).run();
    sqlite.prepare(`UPDATE projects SET name = 'b', version = version + 1, updated_at = 2 WHERE id = 'p1'`).run();
    sqlite.prepare(`UPDATE projects SET deleted_at = 3, version = version + 1, updated_at = 3 WHERE id = 'p1'`).run();
    const rows = sqlite.prepare(`SELECT tbl, row_id, op, row_version, row_json FROM sync_outbox ORDER BY seq`).all() as {
      op: string;
      row_version: number;
      row_json: string;
    }[];
    expect(rows.map((r) => [r.op, r.row_version])).toEqual([['update', 2], ['delete', 3]]);
    expect(JSON.parse(rows[0]!.row_json)).toMatchObject({ id: 'p1', name: 'b', version: 2, path: '/a' });
    handle.close();
  });

  it('refuse updates to append-only tables', () => {
    const handle = openDatabase({ file: path.join(tempDir(), 'append.db'), migrationsDir: MIGRATIONS_DIR });
    const { sqlite } = handle;
    sqlite.prepare(`INSERT INTO events (id, created_at, updated_at, type, at) VALUES ('e1', 1, 1, 'x', 1)`).run();
    expect(() => sqlite.prepare(`UPDATE events SET type = 'y' WHERE id = 'e1'`).run()).toThrow(/append-only/);
    expect(expectedTriggerNames()).toContain('append_only_events_no_update');
    handle.close();
  });
});

/** A database file migrated up to (and including) the migration tagged `tag`. */
/** Opens `file` with the migrations up to and including `tag` applied. */
function openAt(file: string, tag: string): ReturnType<typeof openDatabase> {
  const count = journal.entries.findIndex((e) => e.tag === tag) + 1;
  expect(count).toBeGreaterThan(0);
  return openDatabase({ file, migrationsDir: migrationsUpTo(count) });
}

function migratedTo(tag: string): { file: string; handle: ReturnType<typeof openDatabase> } {
  const file = path.join(tempDir(), `${tag}.db`);
  return { file, handle: openAt(file, tag) };
}

function columns(sqlite: Database.Database, table: string): string[] {
  return (sqlite.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
}

describe('transcript migrations', () => {
  it('0006 gives usage records a time and a sidechain flag, and adds the transcript state table, keeping the rows', () => {
    const { file, handle } = migratedTo('0005_transcripts');
    handle.sqlite
      .prepare(`INSERT INTO usage_records (key, session_id, day, agent_kind, model, project_key, input_tokens) VALUES ('claude:m1:r1', 's1', '2026-01-01', 'claude-code', 'claude-x', '', 7)`)
      .run();
    handle.close();
    const upgraded = openAt(file, '0008_usage_time_and_state');
    expect(columns(upgraded.sqlite, 'usage_records')).toEqual(expect.arrayContaining(['at', 'sidechain']));
    expect(upgraded.sqlite.prepare(`SELECT key, at, sidechain, input_tokens FROM usage_records`).all()).toEqual([{ key: 'claude:m1:r1', at: null, sidechain: 0, input_tokens: 7 }]);
    upgraded.sqlite.prepare(`INSERT INTO transcript_state (key, value) VALUES ('usage_time_zone', 'UTC')`).run();
    upgraded.close();
  });

  it('0007 keys Claude usage by message id (keeping the most complete copy), repoints messages, rebuilds the rollup and reads every file again', () => {
    const { file, handle } = migratedTo('0008_usage_time_and_state');
    const { sqlite } = handle;
    sqlite.prepare(`INSERT INTO sessions (id, created_at, updated_at, source, agent_kind, status) VALUES ('s1', 1, 1, 'claude-code', 'claude-code', 'recorded')`).run();
    const record = sqlite.prepare(`INSERT INTO usage_records (key, session_id, day, agent_kind, model, project_key, input_tokens, output_tokens) VALUES (?, 's1', ?, 'claude-code', 'm', '', ?, ?)`);
    // A parent response and its sidechain replay (new request id), and one more response.
    record.run('claude:msg_a:req_1', '2026-01-01', 10, 5);
    record.run('claude:msg_a:req_2', '2026-01-01', 10, 50);
    record.run('claude:msg_b:', '2026-01-02', 3, 4);
    record.run('codex:thread@120', '2026-01-02', 100, 1);
    sqlite.prepare(`INSERT INTO usage_daily (day, agent_kind, model, project_key, input_tokens, output_tokens, responses) VALUES ('2026-01-01', 'claude-code', 'm', '', 20, 55, 2)`).run();
    sqlite.prepare(`INSERT INTO messages (id, created_at, updated_at, session_id, role, text, sequence, external_id, usage_key) VALUES ('m1', 1, 1, 's1', 'assistant', 'hi', 1, 'u1#0', 'claude:msg_a:req_1')`).run();
    sqlite.prepare(`INSERT INTO transcript_files (path, source, size, mtime_ms, inode, offset, head_hash, state, updated_at) VALUES ('/x.jsonl', 'claude-code', 99, 5, 1234, 99, '99:abc', '{"sessionId":"s"}', 1)`).run();
    handle.close();

    const upgraded = openAt(file, '0009_transcripts_reread');
    expect(upgraded.sqlite.prepare(`SELECT key, input_tokens, output_tokens FROM usage_records ORDER BY key`).all()).toEqual([
      { key: 'claude:msg_a', input_tokens: 10, output_tokens: 50 },
      { key: 'claude:msg_b', input_tokens: 3, output_tokens: 4 },
      { key: 'codex:thread@120', input_tokens: 100, output_tokens: 1 },
    ]);
    expect(upgraded.sqlite.prepare(`SELECT usage_key FROM messages`).all()).toEqual([{ usage_key: 'claude:msg_a' }]);
    expect(upgraded.sqlite.prepare(`SELECT day, agent_kind, input_tokens, output_tokens, responses FROM usage_daily ORDER BY day, agent_kind`).all()).toEqual([
      { day: '2026-01-01', agent_kind: 'claude-code', input_tokens: 10, output_tokens: 50, responses: 1 },
      { day: '2026-01-02', agent_kind: 'claude-code', input_tokens: 103, output_tokens: 5, responses: 2 },
    ]);
    expect(upgraded.sqlite.prepare(`SELECT inode, offset, head_hash, state, size FROM transcript_files`).get()).toEqual({ inode: -1, offset: 0, head_hash: null, state: '{}', size: 99 });
    // Messages are append-only again once migrated.
    expect(() => upgraded.sqlite.prepare(`UPDATE messages SET text = 'x'`).run()).toThrow(/append-only/);
    upgraded.close();
  });

  it('0008 makes tool calls searchable by name, input and output, old ones and new ones', () => {
    const { file, handle } = migratedTo('0009_transcripts_reread');
    handle.sqlite.prepare(`INSERT INTO sessions (id, created_at, updated_at, source, agent_kind, status) VALUES ('s1', 1, 1, 'launched', 'shell', 'exited')`).run();
    handle.sqlite
      .prepare(`INSERT INTO tool_calls (id, created_at, updated_at, session_id, name, input, output_summary, status) VALUES ('t1', 1, 1, 's1', 'Write', '{"file_path":"flux-capacitor.md"}', 'wrote it', 'succeeded')`)
      .run();
    handle.close();
    const upgraded = openAt(file, '0010_tool_calls_fts');
    const match = (q: string) => (upgraded.sqlite.prepare(`SELECT t.id FROM tool_calls_fts f JOIN tool_calls t ON t.seq = f.rowid WHERE tool_calls_fts MATCH ? ORDER BY t.id`).all(q) as { id: string }[]).map((r) => r.id);
    expect(match('capacitor')).toEqual(['t1']);
    upgraded.sqlite
      .prepare(`INSERT INTO tool_calls (id, created_at, updated_at, session_id, name, input, output_summary, status) VALUES ('t2', 1, 1, 's1', 'Bash', '{"cmd":"ls"}', 'flux capacitor found', 'succeeded')`)
      .run();
    expect(match('capacitor')).toEqual(['t1', 't2']);
    upgraded.sqlite.prepare(`DELETE FROM tool_calls WHERE id = 't1'`).run();
    expect(match('capacitor')).toEqual(['t2']);
    upgraded.close();
  });

  it('0012 adds the hot-query indexes to a file with rows, keeping them, and the index over History\'s order matches its expression', () => {
    const { file, handle } = migratedTo('0011_profile_prompt_mode');
    const { sqlite } = handle;
    sqlite.prepare(`INSERT INTO projects (id, created_at, updated_at, name, path, config) VALUES ('p1', 1, 1, 'demo', '/tmp/demo', '{"baseBranch":"main"}')`).run();
    sqlite.prepare(`INSERT INTO tasks (id, created_at, updated_at, project_id, title, "column", position) VALUES ('t1', 1, 1, 'p1', 'Task', 'backlog', 0)`).run();
    sqlite.prepare(`INSERT INTO verification_runs (id, created_at, updated_at, task_id, command, status) VALUES ('v1', 5, 5, 't1', 'npm test', 'passed')`).run();
    const session = sqlite.prepare(`INSERT INTO sessions (id, created_at, updated_at, source, agent_kind, status, external_id, started_at, ended_at) VALUES (?, ?, ?, 'claude-code', 'claude-code', 'recorded', ?, ?, ?)`);
    session.run('s1', 10, 10, 'ext-1', null, null);
    session.run('s2', 20, 20, 'ext-2', 30, 40);
    handle.close();
    const upgraded = openAt(file, '0012_hot_query_indexes');
    const indexes = (upgraded.sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'`).all() as { name: string }[]).map((r) => r.name);
    expect(indexes).toEqual(expect.arrayContaining(['sessions_external_idx', 'sessions_status_idx', 'sessions_recent_idx', 'approvals_created_idx', 'verification_runs_task_created_idx']));
    expect(indexes).not.toContain('verification_runs_task_idx');
    const plan = (sql: string) => (upgraded.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('; ');
    expect(plan(`SELECT id FROM sessions s WHERE s.deleted_at IS NULL ORDER BY coalesce(s.ended_at, s.started_at, s.created_at) DESC LIMIT 5`)).toBe('SCAN s USING INDEX sessions_recent_idx');
    expect(upgraded.sqlite.prepare(`SELECT id FROM sessions ORDER BY coalesce(ended_at, started_at, created_at) DESC`).all()).toEqual([{ id: 's2' }, { id: 's1' }]);
    expect(upgraded.sqlite.prepare(`SELECT id FROM verification_runs WHERE task_id = 't1'`).all()).toEqual([{ id: 'v1' }]);
    upgraded.close();
  });

  it('0013 keeps per-session counts and token totals with every write, counted from the rows already there', () => {
    const { file, handle } = migratedTo('0012_hot_query_indexes');
    const { sqlite } = handle;
    sqlite.prepare(`INSERT INTO sessions (id, created_at, updated_at, source, agent_kind, status) VALUES ('s1', 1, 1, 'claude-code', 'claude-code', 'recorded')`).run();
    sqlite.prepare(`INSERT INTO messages (id, created_at, updated_at, session_id, role, text, sequence) VALUES ('m1', 1, 1, 's1', 'user', 'hi', 1)`).run();
    const tool = sqlite.prepare(`INSERT INTO tool_calls (id, created_at, updated_at, session_id, external_id, name, status) VALUES (?, 1, 1, 's1', ?, 'Read', ?)`);
    tool.run('t1', 'toolu_1', 'requested');
    tool.run('t2', 'toolu_1', 'succeeded');
    const usage = sqlite.prepare(`INSERT INTO usage_records (key, session_id, day, agent_kind, model, project_key, input_tokens, output_tokens, cache_read_tokens) VALUES (?, 's1', '2026-01-01', 'claude-code', ?, '', ?, ?, ?)`);
    usage.run('claude:a', 'opus', 10, 5, 100);
    handle.close();

    const upgraded = openAt(file, '0013_session_totals');
    const db = upgraded.sqlite;
    const counts = () => db.prepare(`SELECT messages, tool_calls FROM session_counts WHERE session_id = 's1'`).get();
    const tokens = () => db.prepare(`SELECT model, input_tokens, output_tokens, cache_read_tokens, responses FROM session_usage WHERE session_id = 's1' ORDER BY model`).all();
    const days = () => db.prepare(`SELECT model, first_day, last_day FROM session_usage WHERE session_id = 's1' ORDER BY model`).all();
    expect(counts()).toEqual({ messages: 1, tool_calls: 1 });
    expect(tokens()).toEqual([{ model: 'opus', input_tokens: 10, output_tokens: 5, cache_read_tokens: 100, responses: 1 }]);

    db.prepare(`INSERT INTO messages (id, created_at, updated_at, session_id, role, text, sequence) VALUES ('m2', 1, 1, 's1', 'assistant', 'yo', 2)`).run();
    db.prepare(`INSERT INTO tool_calls (id, created_at, updated_at, session_id, external_id, name, status) VALUES ('t3', 1, 1, 's1', 'toolu_1', 'Read', 'succeeded')`).run();
    db.prepare(`INSERT INTO tool_calls (id, created_at, updated_at, session_id, external_id, name, status) VALUES ('t4', 1, 1, 's1', NULL, 'Bash', 'succeeded')`).run();
    expect(counts()).toEqual({ messages: 2, tool_calls: 2 });
    db.prepare(`INSERT INTO usage_records (key, session_id, day, agent_kind, model, project_key, input_tokens, output_tokens) VALUES ('claude:b', 's1', '2026-01-01', 'claude-code', 'haiku', '', 1, 2)`).run();
    db.prepare(`INSERT INTO usage_records (key, session_id, day, agent_kind, model, project_key) VALUES ('claude:c', 's1', '2026-01-05', 'claude-code', 'opus', '')`).run();
    db.prepare(`DELETE FROM usage_records WHERE key = 'claude:c'`).run();
    // Bounds only widen: a deleted record leaves them.
    expect(days()).toEqual([
      { model: 'haiku', first_day: '2026-01-01', last_day: '2026-01-01' },
      { model: 'opus', first_day: '2026-01-01', last_day: '2026-01-05' },
    ]);
    db.prepare(`UPDATE usage_records SET output_tokens = 50 WHERE key = 'claude:a'`).run();
    expect(tokens()).toEqual([
      { model: 'haiku', input_tokens: 1, output_tokens: 2, cache_read_tokens: 0, responses: 1 },
      { model: 'opus', input_tokens: 10, output_tokens: 50, cache_read_tokens: 100, responses: 1 },
    ]);
    db.prepare(`DELETE FROM usage_records WHERE key = 'claude:b'`).run();
    db.prepare(`DELETE FROM messages WHERE id = 'm2'`).run();
    db.prepare(`DELETE FROM tool_calls WHERE external_id = 'toolu_1'`).run();
    expect(counts()).toEqual({ messages: 1, tool_calls: 1 });
    expect(tokens()).toEqual([
      { model: 'haiku', input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, responses: 0 },
      { model: 'opus', input_tokens: 10, output_tokens: 50, cache_read_tokens: 100, responses: 1 },
    ]);
    upgraded.close();
  });

  it('0014 keeps indexing rows for search one by one, and while a scan defers it, indexes them in bulk and never un-indexes a row it did not index', () => {
    const { file, handle } = migratedTo('0013_session_totals');
    handle.sqlite.prepare(`INSERT INTO sessions (id, created_at, updated_at, source, agent_kind, status) VALUES ('s1', 1, 1, 'launched', 'shell', 'exited')`).run();
    handle.sqlite.prepare(`INSERT INTO messages (id, created_at, updated_at, session_id, role, text, sequence) VALUES ('m1', 1, 1, 's1', 'user', 'old flux', 1)`).run();
    handle.close();
    const upgraded = openAt(file, '0014_search_index_catch_up');
    const sqlite = upgraded.sqlite;
    const match = (q: string) => (sqlite.prepare(`SELECT m.id FROM messages_fts f JOIN messages m ON m.seq = f.rowid WHERE messages_fts MATCH ? ORDER BY m.id`).all(q) as { id: string }[]).map((r) => r.id);
    const insert = (id: string, text: string) =>
      sqlite.prepare(`INSERT INTO messages (id, created_at, updated_at, session_id, role, text, sequence) VALUES (?, 1, 1, 's1', 'user', ?, 2)`).run(id, text);
    insert('m2', 'new flux');
    expect(match('flux')).toEqual(['m1', 'm2']);

    // Deferred (as a scan does): new rows wait; deleting one that waits, or one indexed, keeps the index sound.
    sqlite.exec(`INSERT INTO transcript_state (key, value) VALUES ('fts_messages_after', (SELECT seq FROM sqlite_sequence WHERE name = 'messages'))`);
    insert('m3', 'deferred flux');
    insert('m4', 'doomed flux');
    expect(match('flux')).toEqual(['m1', 'm2']);
    sqlite.prepare(`DELETE FROM messages WHERE id IN ('m1', 'm4')`).run();
    expect(match('flux')).toEqual(['m2']);
    sqlite.exec(`INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')`);
    sqlite.exec(`INSERT INTO messages_fts(rowid, text) SELECT seq, text FROM messages WHERE seq > (SELECT value FROM transcript_state WHERE key = 'fts_messages_after'); DELETE FROM transcript_state WHERE key = 'fts_messages_after'`);
    expect(match('flux')).toEqual(['m2', 'm3']);
    sqlite.exec(`INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')`);
    upgraded.close();
  });

  it('0015 keeps counting session totals row by row, and while a scan defers them, counts nothing and marks every session whose rows changed; search buffers more terms', () => {
    const { file, handle } = migratedTo('0014_search_index_catch_up');
    handle.sqlite.prepare(`INSERT INTO sessions (id, created_at, updated_at, source, agent_kind, status) VALUES ('s1', 1, 1, 'claude-code', 'claude-code', 'recorded')`).run();
    handle.sqlite.prepare(`INSERT INTO messages (id, created_at, updated_at, session_id, role, text, sequence) VALUES ('m1', 1, 1, 's1', 'user', 'hi', 1)`).run();
    handle.close();
    const upgraded = openAt(file, '0015_session_totals_catch_up');
    const db = upgraded.sqlite;
    db.prepare(`INSERT INTO sessions (id, created_at, updated_at, source, agent_kind, status) VALUES ('s2', 1, 1, 'claude-code', 'claude-code', 'recorded')`).run();
    db.prepare(`INSERT INTO sessions (id, created_at, updated_at, source, agent_kind, status) VALUES ('s3', 1, 1, 'claude-code', 'claude-code', 'recorded')`).run();
    const counts = () => db.prepare(`SELECT session_id, messages, tool_calls FROM session_counts ORDER BY session_id`).all();
    const tokens = () => db.prepare(`SELECT session_id, model, input_tokens, responses FROM session_usage ORDER BY session_id, model`).all();
    const pending = () => (db.prepare(`SELECT session_id FROM session_totals_pending ORDER BY session_id`).all() as { session_id: string }[]).map((r) => r.session_id);
    const tool = db.prepare(`INSERT INTO tool_calls (id, created_at, updated_at, session_id, external_id, name, status) VALUES (?, 1, 1, ?, ?, 'Read', ?)`);
    const usage = db.prepare(`INSERT INTO usage_records (key, session_id, day, agent_kind, model, project_key, input_tokens) VALUES (?, ?, '2026-01-01', 'claude-code', 'opus', '', ?)`);
    tool.run('t1', 's1', 'toolu_1', 'called');
    tool.run('t2', 's1', 'toolu_1', 'succeeded');
    usage.run('claude:a', 's1', 10);
    expect(counts()).toEqual([{ session_id: 's1', messages: 1, tool_calls: 1 }]);
    expect(tokens()).toEqual([{ session_id: 's1', model: 'opus', input_tokens: 10, responses: 1 }]);
    expect(pending()).toEqual([]);

    // Deferred (as a scan does): the totals stand still. New messages and tool calls mark nothing (a
    // scan finds them by their seq); any other change marks its session, once.
    db.exec(`INSERT INTO transcript_state (key, value) VALUES ('session_totals_deferred', '{"messages":1,"tool_calls":2}')`);
    db.prepare(`INSERT INTO messages (id, created_at, updated_at, session_id, role, text, sequence) VALUES ('m2', 1, 1, 's2', 'user', 'yo', 1)`).run();
    db.prepare(`INSERT INTO messages (id, created_at, updated_at, session_id, role, text, sequence) VALUES ('m3', 1, 1, 's2', 'user', 'yo again', 2)`).run();
    tool.run('t3', 's2', 'toolu_2', 'called');
    expect(pending()).toEqual([]);
    db.prepare(`DELETE FROM tool_calls WHERE id = 't2'`).run();
    // A response that moves to another session marks both.
    db.prepare(`UPDATE usage_records SET session_id = 's3', input_tokens = 12 WHERE key = 'claude:a'`).run();
    usage.run('claude:b', 's3', 5);
    db.prepare(`INSERT INTO usage_records (key, session_id, day, agent_kind, model, project_key, input_tokens) VALUES ('claude:b', 's3', '2026-01-01', 'claude-code', 'opus', '', 7)
      ON CONFLICT(key) DO UPDATE SET input_tokens = excluded.input_tokens`).run();
    db.prepare(`DELETE FROM messages WHERE id = 'm3'`).run();
    expect(counts()).toEqual([{ session_id: 's1', messages: 1, tool_calls: 1 }]);
    expect(tokens()).toEqual([{ session_id: 's1', model: 'opus', input_tokens: 10, responses: 1 }]);
    expect(pending()).toEqual(['s1', 's2', 's3']);

    db.prepare(`DELETE FROM transcript_state WHERE key = 'session_totals_deferred'`).run();
    db.prepare(`DELETE FROM session_totals_pending`).run();
    db.prepare(`DELETE FROM messages WHERE id = 'm1'`).run();
    usage.run('claude:c', 's1', 3);
    expect(counts()).toEqual([{ session_id: 's1', messages: 0, tool_calls: 1 }]);
    expect(tokens()).toEqual([{ session_id: 's1', model: 'opus', input_tokens: 13, responses: 2 }]);
    expect(pending()).toEqual([]);
    // Both search indexes buffer 8 MB of terms per transaction before they write a segment.
    for (const table of ['messages_fts', 'tool_calls_fts']) expect(db.prepare(`SELECT v FROM ${table}_config WHERE k = 'hashsize'`).get()).toEqual({ v: 8388608 });
    upgraded.close();
  });
});
