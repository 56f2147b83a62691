import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../db/client';
import { projectResolverFor } from '../../src-main/transcripts/project-resolver';
import { BULK_SUSPENDED_TRIGGERS } from '../../src-main/transcripts/suspended-triggers';
import { TranscriptIngester } from '../../src-main/transcripts/transcript-ingester';
import { TranscriptStore } from '../../src-main/transcripts/transcript-store';
import { writeClaudeSession } from '../helpers/claude-lines';
import { closeTranscriptDbs, transcriptDb } from '../helpers/transcript-db';
import { removeTempDirs } from '../helpers/temp-dir';
import { MIGRATIONS_DIR } from '../helpers/test-app';

// A first scan takes the gated insert triggers out (they do nothing while it writes, yet cost every
// row) and puts them back when it is done; meanwhile the database must read as if they were there.

const others: DatabaseHandle[] = [];
afterEach(() => {
  for (const db of others.splice(0)) db.close();
  closeTranscriptDbs();
});
afterAll(removeTempDirs);

const SUSPENDED = Object.values(BULK_SUSPENDED_TRIGGERS).flat();

function triggers(db: DatabaseHandle): { name: string; sql: string }[] {
  return db.sqlite.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name`).all() as { name: string; sql: string }[];
}

describe('the gated triggers during a first scan', () => {
  it('are out while the scan writes and back, exactly as the migrations made them, when it ends', () => {
    const t = transcriptDb();
    const before = triggers(t.db);
    expect(before.map((r) => r.name)).toEqual(expect.arrayContaining(SUSPENDED));

    t.store.beginBulk();
    const during = triggers(t.db).map((r) => r.name);
    for (const name of SUSPENDED) expect(during).not.toContain(name);
    // The rest (deletes, sync, the pending marks of usage) stay: they still have work to do.
    expect(during).toEqual(before.map((r) => r.name).filter((n) => !SUSPENDED.includes(n)));
    t.store.catchUp(true);
    expect(triggers(t.db).map((r) => r.name)).toEqual(during);

    t.store.endBulk();
    expect(triggers(t.db)).toEqual(before);
    expect(t.db.sqlite.prepare(`SELECT key FROM transcript_state WHERE key != 'usage_time_zone'`).all()).toEqual([]);
  });

  it('counts and indexes what another connection writes meanwhile, as the triggers would have', async () => {
    const t = transcriptDb();
    const projects = path.join(t.dir, 'projects');
    t.store.beginBulk();

    // The app's own connection reads a session that changes while the scan runs.
    const live = openDatabase({ file: path.join(t.dir, 'pitwall.db'), migrationsDir: MIGRATIONS_DIR });
    others.push(live);
    const liveStore = new TranscriptStore(live.sqlite, projectResolverFor(live.sqlite), { timeZone: 'UTC' });
    liveStore.useTimeZone('UTC');
    const file = writeClaudeSession(projects, '11111111-2222-4333-8444-555555555555', '/work/marigold', Date.parse('2026-05-01T10:00:00Z'), [
      { prompt: 'why is the marigold build slow', answer: 'the marigold cache is cold', tool: { name: 'Bash', input: { command: 'npm run marigold' }, output: 'done' } },
      { prompt: 'and now', answer: 'warm' },
    ]);
    expect((await new TranscriptIngester(liveStore).ingest(file, 'claude-code')).outcome).toBe('ingested');
    const search = (sql: string) => (t.db.sqlite.prepare(sql).get() as { n: number }).n;
    expect(search(`SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH 'marigold'`)).toBe(0);

    t.store.endBulk();
    expect(search(`SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH 'marigold'`)).toBe(2);
    expect(search(`SELECT count(*) AS n FROM tool_calls_fts WHERE tool_calls_fts MATCH 'marigold'`)).toBe(1);
    expect(t.db.sqlite.prepare(`SELECT messages, tool_calls FROM session_counts`).all()).toEqual([{ messages: 4, tool_calls: 1 }]);
    expect(t.db.sqlite.prepare(`SELECT responses, input_tokens FROM session_usage`).all()).toEqual([{ responses: 2, input_tokens: 2000 }]);

    // With the triggers back, a row written now is counted and indexed as it lands.
    writeClaudeSession(projects, '11111111-2222-4333-8444-555555555555', '/work/marigold', Date.parse('2026-05-01T10:00:00Z'), [
      { prompt: 'why is the marigold build slow', answer: 'the marigold cache is cold', tool: { name: 'Bash', input: { command: 'npm run marigold' }, output: 'done' } },
      { prompt: 'and now', answer: 'warm' },
      { prompt: 'one more marigold', answer: 'sure' },
    ]);
    await new TranscriptIngester(liveStore).ingest(file, 'claude-code');
    expect(search(`SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH 'marigold'`)).toBe(3);
    expect(t.db.sqlite.prepare(`SELECT messages, tool_calls FROM session_counts`).all()).toEqual([{ messages: 6, tool_calls: 1 }]);
    expect(t.db.sqlite.prepare(`SELECT responses FROM session_usage`).all()).toEqual([{ responses: 3 }]);
  });

  it('leaves a trigger a migration made meanwhile as it is', () => {
    const t = transcriptDb();
    t.store.beginBulk();
    // A newer version's migration, run by a start while a scan's triggers were out, made its own.
    t.db.sqlite.exec(`CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN INSERT INTO messages_fts(rowid, text) VALUES (new.seq, 'v2: ' || new.text); END`);
    t.store.endBulk();
    expect(triggers(t.db).find((r) => r.name === 'messages_fts_insert')?.sql).toContain("'v2: '");
    expect(triggers(t.db).map((r) => r.name)).toEqual(expect.arrayContaining(SUSPENDED));
  });
});
