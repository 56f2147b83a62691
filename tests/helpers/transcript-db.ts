import fs from 'node:fs';
import path from 'node:path';
import { openDatabase, type DatabaseHandle } from '../../db/client';
import { HistoryQueries } from '../../src-main/transcripts/history-queries';
import { projectResolverFor } from '../../src-main/transcripts/project-resolver';
import { TranscriptIngester } from '../../src-main/transcripts/transcript-ingester';
import { TranscriptStore } from '../../src-main/transcripts/transcript-store';
import { tempDir } from './temp-dir';
import { MIGRATIONS_DIR } from './test-app';

/** The transcript fixtures (real files; see SOURCES.md there). */
export const FIXTURES = path.resolve(__dirname, '../fixtures/transcripts');

/** A real database file with the transcript store, its ingester and the history read side over it. */
export interface TranscriptDb {
  db: DatabaseHandle;
  store: TranscriptStore;
  ingester: TranscriptIngester;
  history: HistoryQueries;
  /** A fresh folder for this database's transcript files. */
  dir: string;
}

const open: DatabaseHandle[] = [];

/** Opens a fresh database (close them all with {@link closeTranscriptDbs}); days are counted in `timeZone`. */
export function transcriptDb(timeZone = 'UTC'): TranscriptDb {
  const dir = tempDir('pitwall-ingest-');
  const db = openDatabase({ file: path.join(dir, 'pitwall.db'), migrationsDir: MIGRATIONS_DIR });
  open.push(db);
  const store = new TranscriptStore(db.sqlite, projectResolverFor(db.sqlite), { timeZone });
  store.useTimeZone(timeZone);
  return { db, store, ingester: new TranscriptIngester(store), history: new HistoryQueries(db.sqlite), dir };
}

/** Closes every database {@link transcriptDb} opened. */
export function closeTranscriptDbs(): void {
  for (const db of open.splice(0)) db.close();
}

/** Copies a fixture to `relative` under `dir` (as the agent lays its files out); answers the path. */
export function place(dir: string, fixture: string, relative: string): string {
  const target = path.join(dir, relative);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(path.join(FIXTURES, fixture), target);
  return target;
}

/** Writes lines (objects become JSON) to `relative` under `dir`, each ending in a newline unless `lastNewline` is false. */
export function writeLines(dir: string, relative: string, lines: unknown[], lastNewline = true): string {
  const target = path.join(dir, relative);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const text = lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n');
  fs.writeFileSync(target, lastNewline ? `${text}\n` : text);
  return target;
}

/** The JSON values of a fixture's lines. */
export function fixtureLines(fixture: string): Record<string, unknown>[] {
  return fs
    .readFileSync(path.join(FIXTURES, fixture), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Token totals. */
export interface Totals {
  responses: number;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** Usage totals from the records, and from the daily rollup (they must agree). */
export function usageTotals(db: DatabaseHandle, where = '1 = 1', ...params: unknown[]): { records: Totals; daily: Totals } {
  const sum = (table: string, count: string) =>
    db.sqlite
      .prepare(
        `SELECT ${count} AS responses, coalesce(sum(input_tokens), 0) AS input, coalesce(sum(output_tokens), 0) AS output,
           coalesce(sum(cache_read_tokens), 0) AS cacheRead, coalesce(sum(cache_write_tokens), 0) AS cacheWrite FROM ${table} WHERE ${where}`,
      )
      .get(...params) as Totals;
  return { records: sum('usage_records', 'count(*)'), daily: sum('usage_daily', 'coalesce(sum(responses), 0)') };
}

/** Per day: the rollup's totals. */
export function days(db: DatabaseHandle): Record<string, Omit<Totals, 'responses'>> {
  const rows = db.sqlite
    .prepare(`SELECT day, sum(input_tokens) AS input, sum(output_tokens) AS output, sum(cache_read_tokens) AS cacheRead, sum(cache_write_tokens) AS cacheWrite FROM usage_daily GROUP BY day ORDER BY day`)
    .all() as (Omit<Totals, 'responses'> & { day: string })[];
  return Object.fromEntries(rows.map(({ day, ...t }) => [day, t]));
}

/** Message counts of one session by role and kind. */
export function messageCounts(db: DatabaseHandle, sessionId: string): Record<string, number> {
  const rows = db.sqlite.prepare(`SELECT role || '/' || kind AS k, count(*) AS n FROM messages WHERE session_id = ? GROUP BY k ORDER BY k`).all(sessionId) as { k: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.k, r.n]));
}

/**
 * Everything a scan writes, by what identifies it (external ids and paths, not the row ids a database
 * makes up, nor write times), so two databases that read the same files can be compared.
 */
export function scanRows(db: DatabaseHandle) {
  const all = (sql: string) => db.sqlite.prepare(sql).all();
  const session = `(SELECT external_id FROM sessions WHERE id = session_id)`;
  return {
    sessions: all(`SELECT external_id, source, agent_kind, title, cwd, started_at, ended_at, models, transcript_path FROM sessions ORDER BY external_id`),
    messages: all(`SELECT ${session} AS session, external_id, role, kind, text, sequence, timestamp, model, usage_key, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens
      FROM messages ORDER BY 1, 2, sequence`),
    tools: all(`SELECT ${session} AS session, external_id, name, input, output_summary, status, turn FROM tool_calls ORDER BY 1, 2, status`),
    usage: all(`SELECT key, ${session} AS session, day, agent_kind, model, project_key, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, at, sidechain FROM usage_records ORDER BY key`),
    daily: all(`SELECT * FROM usage_daily ORDER BY day, agent_kind, model, project_key`),
    counts: all(`SELECT ${session} AS session, messages, tool_calls FROM session_counts ORDER BY 1`),
    totals: all(`SELECT ${session} AS session, model, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, responses, first_day, last_day FROM session_usage ORDER BY 1, 2`),
    files: all(`SELECT path, source, size, mtime_ms, inode, offset, head_hash, state, ${session} AS session, status, problems, problem_count FROM transcript_files ORDER BY path`),
  };
}
