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

describe('sync triggers', () => {
  it('write a full-row snapshot to the outbox on insert, update and soft delete', () => {
    const handle = openDatabase({ file: path.join(tempDir(), 'outbox.db'), migrationsDir: MIGRATIONS_DIR });
    const { sqlite } = handle;
    sqlite.prepare(`INSERT INTO projects (id, created_at, updated_at, name, path, config) VALUES ('p1', 1, 1, 'a', '/a', '{}')`).run();
    sqlite.prepare(`UPDATE projects SET name = 'b', version = version + 1, updated_at = 2 WHERE id = 'p1'`).run();
    sqlite.prepare(`UPDATE projects SET deleted_at = 3, version = version + 1, updated_at = 3 WHERE id = 'p1'`).run();
    const rows = sqlite.prepare(`SELECT tbl, row_id, op, row_version, row_json FROM sync_outbox ORDER BY seq`).all() as {
      op: string;
      row_version: number;
      row_json: string;
    }[];
    expect(rows.map((r) => [r.op, r.row_version])).toEqual([['insert', 1], ['update', 2], ['delete', 3]]);
    expect(JSON.parse(rows[1]!.row_json)).toMatchObject({ id: 'p1', name: 'b', version: 2, path: '/a' });
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
