import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../db/client';
import { scanTranscripts } from '../../src-main/transcripts/transcript-scanner';
import { TranscriptIngester } from '../../src-main/transcripts/transcript-ingester';
import { TranscriptStore } from '../../src-main/transcripts/transcript-store';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { MIGRATIONS_DIR } from '../helpers/test-app';

const CHILD = path.resolve(__dirname, '../helpers/first-scan-child.ts');
const FILES = 60;
const TURNS = 150;

const open: DatabaseHandle[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});
afterAll(removeTempDirs);

/** A Claude Code history: FILES sessions of TURNS turns, each a question, a tool call, its result and an answer with usage. */
function writeHistory(projectsDir: string): void {
  const day = Date.parse('2026-03-01T09:00:00Z');
  for (let f = 0; f < FILES; f++) {
    const session = `7d0c3a52-0000-4000-8000-${String(f).padStart(12, '0')}`;
    const lines: string[] = [];
    const base = { sessionId: session, cwd: `/work/project-${f % 7}` };
    for (let t = 0; t < TURNS; t++) {
      const at = (k: number) => new Date(day + f * 3_600_000 + t * 20_000 + k * 1000).toISOString();
      const tool = `toolu_${f}_${t}`;
      lines.push(JSON.stringify({ ...base, type: 'user', uuid: `u-${f}-${t}`, timestamp: at(0), message: { role: 'user', content: `question ${t} about heliotrope ${f} and the parser` } }));
      lines.push(JSON.stringify({ ...base, type: 'assistant', uuid: `a-${f}-${t}`, timestamp: at(1), message: { id: `msg_${f}_${t}_a`, role: 'assistant', model: 'claude-test', content: [{ type: 'tool_use', id: tool, name: 'Bash', input: { command: `grep -rn saffron${t} src` } }], usage: { input_tokens: 10 + t, output_tokens: 5, cache_read_input_tokens: 100, cache_creation_input_tokens: 7 } } }));
      lines.push(JSON.stringify({ ...base, type: 'user', uuid: `r-${f}-${t}`, timestamp: at(2), message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: tool, content: `src/a.ts:${t}: saffron found` }] } }));
      lines.push(JSON.stringify({ ...base, type: 'assistant', uuid: `b-${f}-${t}`, timestamp: at(3), message: { id: `msg_${f}_${t}_b`, role: 'assistant', model: 'claude-test', content: [{ type: 'text', text: `answer ${t}: the heliotrope parser is fixed` }], usage: { input_tokens: 20, output_tokens: 30 + t, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 } } }));
    }
    const file = path.join(projectsDir, `-work-project-${f % 7}`, `${session}.jsonl`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    // Distinct times: the scan reads newest first, and the order must not matter to the result.
    fs.utimesSync(file, new Date(day + f * 1000), new Date(day + f * 1000));
  }
}

function openDb(file: string): { db: DatabaseHandle; ingester: TranscriptIngester } {
  const db = openDatabase({ file, migrationsDir: MIGRATIONS_DIR });
  open.push(db);
  const store = new TranscriptStore(db.sqlite, () => null, { timeZone: 'UTC' });
  store.useTimeZone('UTC');
  return { db, ingester: new TranscriptIngester(store) };
}

/** Everything a scan writes, in a form two databases can be compared by. */
function contents(db: DatabaseHandle): Record<string, unknown> {
  const all = (sql: string) => db.sqlite.prepare(sql).all();
  return {
    sessions: all(`SELECT external_id, title, cwd, started_at, ended_at, models FROM sessions ORDER BY external_id`),
    messages: all(`SELECT s.external_id AS session, m.external_id, m.role, m.text, m.kind FROM messages m JOIN sessions s ON s.id = m.session_id ORDER BY 1, 2`),
    tools: all(`SELECT s.external_id AS session, t.external_id, t.name, t.input, t.output_summary, t.status FROM tool_calls t JOIN sessions s ON s.id = t.session_id ORDER BY 1, 2, 6`),
    usage: all(`SELECT key, day, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens FROM usage_records ORDER BY key`),
    daily: all(`SELECT * FROM usage_daily ORDER BY day, model, project_key`),
    counts: all(`SELECT s.external_id AS session, c.messages, c.tool_calls FROM session_counts c JOIN sessions s ON s.id = c.session_id ORDER BY 1`),
    totals: all(`SELECT s.external_id AS session, u.model, u.input_tokens, u.output_tokens, u.cache_read_tokens, u.cache_write_tokens, u.responses, u.first_day, u.last_day
      FROM session_usage u JOIN sessions s ON s.id = u.session_id ORDER BY 1, 2`),
    searchMessages: all(`SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH 'heliotrope'`),
    searchTools: all(`SELECT count(*) AS n FROM tool_calls_fts WHERE tool_calls_fts MATCH 'saffron*'`),
  };
}

function triggers(db: DatabaseHandle): { name: string; sql: string }[] {
  return db.sqlite.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name`).all() as { name: string; sql: string }[];
}

function searchIndexIsSound(db: DatabaseHandle): void {
  // FTS5 checks its index against the rows of its content table and throws when they differ.
  db.sqlite.exec(`INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')`);
  db.sqlite.exec(`INSERT INTO tool_calls_fts(tool_calls_fts) VALUES ('integrity-check')`);
}

/** Starts a first scan in its own process and kills it (SIGKILL) once it has read `after` files; answers how many it had read. */
function killMidScan(dbFile: string, projectsDir: string, after: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dbFile, projectsDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let errors = '';
    let read = 0;
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      read = (out.match(/^file \d+$/gm) ?? []).length;
      if (read >= after && child.exitCode === null) child.kill('SIGKILL');
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(read);
      else reject(new Error(`the scan ended by itself (code ${code}) before it could be killed: ${out.slice(-200)} ${errors.slice(-500)}`));
    });
  });
}

describe('a first scan killed midway', () => {
  it('leaves a database the next scan finishes: the same rows as one uninterrupted scan, no duplicates, search complete and sound, totals counted', async () => {
    const home = tempDir('pitwall-crash-home-');
    const projectsDir = path.join(home, '.claude', 'projects');
    writeHistory(projectsDir);
    const roots = [{ source: 'claude-code' as const, path: projectsDir }];

    const crashedFile = path.join(tempDir('pitwall-crash-data-'), 'pitwall.db');
    const read = await killMidScan(crashedFile, projectsDir, 5);
    expect(read).toBeLessThan(FILES);

    const crashed = openDb(crashedFile);
    const cursors = (crashed.db.sqlite.prepare(`SELECT count(*) AS n FROM transcript_files`).get() as { n: number }).n;
    expect(cursors).toBeGreaterThanOrEqual(5);
    expect(cursors).toBeLessThan(FILES);
    // Rows of the files read so far wait, unindexed, for the scan's bulk indexing.
    expect(crashed.db.sqlite.prepare(`SELECT key FROM transcript_state WHERE key LIKE 'fts_%' ORDER BY key`).all()).toEqual([{ key: 'fts_messages_after' }, { key: 'fts_tool_calls_after' }]);
    // And their sessions wait to have their totals counted.
    expect(crashed.db.sqlite.prepare(`SELECT count(*) AS n FROM transcript_state WHERE key = 'session_totals_deferred'`).get()).toEqual({ n: 1 });
    expect((crashed.db.sqlite.prepare(`SELECT count(*) AS n FROM session_totals_pending`).get() as { n: number }).n).toBeGreaterThan(0);
    // The gated insert triggers are still out: they would do nothing while those keys are there.
    expect(triggers(crashed.db).map((t) => t.name)).not.toContain('messages_fts_insert');
    searchIndexIsSound(crashed.db);

    // The next start's scan (the app runs it in its worker; the same function here).
    const resumed = await scanTranscripts(roots, crashed.ingester, () => {});
    expect(resumed).toMatchObject({ filesDone: FILES, problems: 0, done: true });

    const clean = openDb(path.join(tempDir('pitwall-clean-data-'), 'pitwall.db'));
    await scanTranscripts(roots, clean.ingester, () => {});

    expect(crashed.db.sqlite.prepare(`SELECT count(*) AS n FROM transcript_state WHERE key LIKE 'fts_%' OR key = 'session_totals_deferred'`).get()).toEqual({ n: 0 });
    expect(crashed.db.sqlite.prepare(`SELECT count(*) AS n FROM session_totals_pending`).get()).toEqual({ n: 0 });
    searchIndexIsSound(crashed.db);
    const expected = contents(clean.db);
    expect((expected.messages as unknown[]).length).toBe(FILES * TURNS * 2);
    expect((expected.tools as unknown[]).length).toBeGreaterThanOrEqual(FILES * TURNS);
    expect((expected.usage as unknown[]).length).toBe(FILES * TURNS * 2);
    expect(expected.searchMessages).toEqual([{ n: FILES * TURNS * 2 }]);
    // Every session's totals, counted at the end of the scan: a question and an answer, a tool call and two responses per turn.
    expect(expected.counts).toHaveLength(FILES);
    expect(new Set((expected.counts as { messages: number; tool_calls: number }[]).map((c) => `${c.messages} ${c.tool_calls}`))).toEqual(new Set([`${TURNS * 2} ${TURNS}`]));
    expect((expected.totals as { responses: number }[]).map((t) => t.responses)).toEqual(Array.from({ length: FILES }, () => TURNS * 2));
    expect(contents(crashed.db)).toEqual(expected);
    // And every trigger is back as the migrations made it.
    expect(triggers(crashed.db)).toEqual(triggers(clean.db));
    expect(crashed.db.sqlite.prepare(`SELECT count(*) AS n FROM transcript_state WHERE key = 'suspended_triggers'`).get()).toEqual({ n: 0 });
  }, 120_000);
});
