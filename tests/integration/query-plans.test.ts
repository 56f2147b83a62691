import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { App } from '../../src-main/app';
import { HistoryQueries } from '../../src-main/transcripts/history-queries';
import { makeRepo } from '../helpers/git-repo';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { makeTestApp } from '../helpers/test-app';
import { place } from '../helpers/transcript-db';
import { poller, value } from '../helpers/wait';

afterAll(removeTempDirs);

const until = poller({ timeoutMs: 30_000, intervalMs: 50 });

/** Every statement the core prepares while the test runs, as it sent it to SQLite. */
function recordStatements(): { statements: Set<string>; stop: () => void } {
  const statements = new Set<string>();
  const proto = Database.prototype as unknown as { prepare: (this: Database.Database, sql: string) => Database.Statement };
  const original = proto.prepare;
  proto.prepare = function prepare(this: Database.Database, sql: string) {
    statements.add(sql);
    return original.call(this, sql);
  };
  return { statements, stop: () => (proto.prepare = original) };
}

interface PlanRow {
  id: number;
  parent: number;
  detail: string;
}

/** The query plan of `sql`, its parameters bound to null (the plan does not depend on their values). */
function planOf(db: Database.Database, sql: string): string[] {
  const withoutStrings = sql.replace(/'(?:[^']|'')*'/g, "''");
  const names = [...new Set([...withoutStrings.matchAll(/[@:$](\w+)/g)].map((m) => m[1]!))];
  const positional = (withoutStrings.match(/\?/g) ?? []).length;
  const statement = db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
  const rows = names.length > 0 ? statement.all(Object.fromEntries(names.map((n) => [n, null]))) : statement.all(...Array.from({ length: positional }, () => null));
  return (rows as PlanRow[]).map((r) => r.detail);
}

/** Tables that grow with use (every session, message, tool call, approval, verification run). */
const GROWING = ['sessions', 'messages', 'tool_calls', 'approvals', 'verification_runs', 'usage_records'];

/**
 * Statements that may read a growing table whole, and why. Anything else that scans one fails.
 * Writes are left out: their plans list the foreign-key checks SQLite compiles in but only runs
 * when a deferred violation is outstanding.
 */
const WHOLE_TABLE_ON_PURPOSE: { pattern: RegExp; why: string }[] = [
  { pattern: /^SELECT id, cwd, project_id FROM sessions WHERE source != 'launched'/, why: 'reattributing every recorded session once a project is added' },
  { pattern: /^SELECT count\(\*\) AS n FROM sessions s WHERE/, why: "History's total: counting the sessions that match reads them (in the history worker, off the core's thread)" },
  { pattern: /^SELECT id FROM sessions WHERE deleted_at IS NULL AND \(.*LIKE @/, why: 'a title or folder search matches inside the text, which no index can serve (history worker)' },
  { pattern: /^SELECT (agent_kind|j\.value) AS key, count\(\*\) AS count FROM sessions/, why: 'filter values are counted over all sessions (history worker)' },
  { pattern: /from "verification_runs" where "verification_runs"\."status" = \?$/, why: "the start-up sweep's one look for runs a crash left running" },
];

/** The hot statements the issue names: each must be issued by the scenario, and none may scan or sort its table. */
const HOT: { name: string; pattern: RegExp; forbidden: RegExp }[] = [
  { name: "the ingest's session lookup", pattern: /FROM sessions WHERE external_id = \? AND agent_kind = \?/, forbidden: /^SCAN sessions$|TEMP B-TREE FOR ORDER BY/ },
  { name: "PostToolUse's lookup of the decided call", pattern: /from "tool_calls" where \("tool_calls"\."session_id" = \? and "tool_calls"\."external_id" = \? and "tool_calls"\."status" = \?\)/, forbidden: /^SCAN tool_calls/ },
  { name: 'live sessions (status IN)', pattern: /^select "id" from "sessions" where "sessions"\."status" in \(/, forbidden: /^SCAN sessions/ },
  { name: 'History, newest first', pattern: /^(?!.*MATCH @match).*ORDER BY coalesce\(s\.ended_at, s\.started_at, s\.created_at\) DESC(, s\.id)? LIMIT @limit( OFFSET @offset)?$/, forbidden: /^SCAN s$|TEMP B-TREE FOR ORDER BY/ },
  { name: "the task board's latest verifications", pattern: /from "verification_runs" where \("verification_runs"\."task_id" in/, forbidden: /^SCAN (verification_runs|v2)$|TEMP B-TREE/ },
  { name: 'the Approvals page, newest first', pattern: /from "approvals" where "approvals"\."deleted_at" is null order by "approvals"\."created_at" desc limit/, forbidden: /^SCAN approvals$|TEMP B-TREE FOR ORDER BY/ },
];

/** Bare scans (no index) of a growing table in `plan`, by table or by its alias in `sql`. */
function growingScans(sql: string, plan: string[]): string[] {
  return plan.filter((line) => {
    const scanned = /^SCAN (\w+)$/.exec(line)?.[1];
    if (!scanned) return false;
    if (GROWING.includes(scanned)) return true;
    return new RegExp(`\\b(${GROWING.join('|')})\\s+(AS\\s+)?${scanned}\\b`, 'i').test(sql);
  });
}

const oneLine = (sql: string): string => sql.replace(/\s+/g, ' ').trim();

describe('query plans of the statements the core issues', () => {
  it('use an index for every hot query, and scan a growing table only where that is the point', async () => {
    const recording = recordStatements();
    const dataDir = tempDir('pitwall-plans-');
    let app: App | null = null;
    try {
      app = makeTestApp(dataDir);
      await app.ready;
      const project = await app.projects.add(makeRepo());
      const task = value<{ id: string }>(await app.router.dispatch('tasks:create', { projectId: project.id, title: 'Plan', description: '', labels: [] }));
      // Two runs of the verify command: the board shows the later one.
      const writer = new Database(path.join(dataDir, 'pitwall.db'));
      try {
        const run = writer.prepare(`INSERT INTO verification_runs (id, created_at, updated_at, task_id, command, status) VALUES (?, ?, ?, ?, 'npm test', ?)`);
        run.run('0190a000-0000-7000-8000-000000000001', 1000, 1000, task.id, 'failed');
        run.run('0190a000-0000-7000-8000-000000000002', 2000, 2000, task.id, 'passed');
      } finally {
        writer.close();
      }
      expect(value<{ verification: { status: string } | null }>(await app.router.dispatch('tasks:get', { id: task.id })).verification?.status).toBe('passed');
      expect(value<{ id: string }[]>(await app.router.dispatch('tasks:list', { projectId: project.id }))).toHaveLength(1);
      value(await app.router.dispatch('tasks:list', {}));
      value(await app.router.dispatch('sessions:list', {}));
      app.sessions.runningCount();
      app.sessions.recent(0);
      place(path.join(dataDir, '.claude', 'projects', '-tmp-plans'), 'git-ai-project__git-ai__example-claude-code.jsonl', '0a1b2c3d-0000-4000-8000-000000000001.jsonl');
      const [session] = await until(async () => {
        const listed = value<{ id: string }[]>(await app!.router.dispatch('history:sessions', {}));
        return listed.length > 0 ? listed : null;
      }, 'the transcript to be ingested');
      value(await app.router.dispatch('history:sessions', { query: 'file' }));
      value(await app.router.dispatch('history:timeline', { sessionId: session!.id }));
      await app.approvals.decideToolCall({ toolName: 'Read', input: { file_path: 'README.md' }, cwd: dataDir, projectId: null, sessionId: session!.id, mode: 'auto', worktreeId: null, toolUseId: 'toolu_plan_1' });
      app.approvals.recordToolResult(session!.id, 'Read', { file_path: 'README.md' }, '# test', 'toolu_plan_1');
      value(await app.router.dispatch('approvals:list', {}));
      // History reads run in a worker thread, out of this recorder's sight: issue the same reads here, on a connection of their own.
      const reader = new Database(path.join(dataDir, 'pitwall.db'), { readonly: true });
      try {
        const history = new HistoryQueries(reader);
        history.list({ limit: 100 });
        history.list({ limit: 100, offset: 100 });
        history.list({ limit: 100, query: 'file' });
        history.facets();
        history.timeline(session!.id);
        history.usage({ from: '2000-01-01', to: '2999-12-31' });
      } finally {
        reader.close();
      }
    } finally {
      recording.stop();
      await app?.dispose();
    }

    const db = new Database(path.join(dataDir, 'pitwall.db'), { readonly: true });
    try {
      const statements = [...recording.statements].map(oneLine);
      const problems: string[] = [];
      for (const hot of HOT) {
        const issued = statements.filter((sql) => hot.pattern.test(sql));
        if (issued.length === 0) problems.push(`${hot.name}: not issued by the scenario (did the statement change?)`);
        for (const sql of issued) {
          const plan = planOf(db, sql);
          const bad = plan.filter((line) => hot.forbidden.test(line));
          if (bad.length > 0) problems.push(`${hot.name}: ${bad.join('; ')}\n  ${sql}\n  plan: ${plan.join(' | ')}`);
        }
      }
      for (const sql of statements) {
        if (!/^(SELECT|WITH)\b/i.test(sql) || WHOLE_TABLE_ON_PURPOSE.some((w) => w.pattern.test(sql))) continue;
        const scans = growingScans(sql, planOf(db, sql));
        if (scans.length > 0) problems.push(`scans a growing table (${scans.join('; ')}):\n  ${sql}`);
      }
      expect(problems).toEqual([]);
    } finally {
      db.close();
    }
  });
});
