import type BetterSqlite3 from 'better-sqlite3';
import { newId } from '../../src-common/ids';

// Rows as the services write them, straight into a real SQLite file: what a transcript scan or a
// launched agent leaves behind, without starting one.

/** A project row (no git repository needed for sync). */
export function insertProject(sqlite: BetterSqlite3.Database, name: string, at = Date.now()): string {
  const id = newId();
  sqlite.prepare(`INSERT INTO projects (id, created_at, updated_at, name, path, config) VALUES (?, ?, ?, ?, ?, '{"baseBranch":"main"}')`).run(id, at, at, name, `/tmp/${name}-${id}`);
  return id;
}

/** A session read from a transcript, in a project (or none). */
export function insertSession(sqlite: BetterSqlite3.Database, projectId: string | null, at = Date.now(), title = 'Fix the parser'): string {
  const id = newId();
  sqlite
    .prepare(`INSERT INTO sessions (id, created_at, updated_at, source, agent_kind, project_id, status, title, prompt, models) VALUES (?, ?, ?, 'claude-code', 'claude-code', ?, 'recorded', ?, 'refactor it', '["claude-sonnet-4"]')`)
    .run(id, at, at, projectId, title);
  return id;
}

/** `count` messages in a session, in one transaction; answers their ids. */
export function insertMessages(sqlite: BetterSqlite3.Database, sessionId: string, count: number, at = Date.now(), text = (n: number) => `message ${n}: the parser reads tokens one line at a time`): string[] {
  const insert = sqlite.prepare(
    `INSERT INTO messages (id, created_at, updated_at, session_id, role, text, sequence, timestamp, model, input_tokens, output_tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'claude-sonnet-4', 10, 20)`,
  );
  const ids: string[] = [];
  sqlite.transaction(() => {
    for (let n = 0; n < count; n++) {
      const id = newId();
      ids.push(id);
      insert.run(id, at, at, sessionId, n % 2 === 0 ? 'user' : 'assistant', text(n), n, at + n);
    }
  })();
  return ids;
}

/** A tool call and an approval of it in a session. */
export function insertToolCall(sqlite: BetterSqlite3.Database, sessionId: string, projectId: string | null, at = Date.now()): { toolCallId: string; approvalId: string } {
  const toolCallId = newId();
  const approvalId = newId();
  sqlite
    .prepare(`INSERT INTO tool_calls (id, created_at, updated_at, session_id, name, input, output_summary, status, decision, decided_by, duration_ms) VALUES (?, ?, ?, ?, 'Bash', '{"command":"cat .env"}', 'SECRET=1', 'completed', 'allow', 'rule', 12)`)
    .run(toolCallId, at, at, sessionId);
  sqlite
    .prepare(`INSERT INTO approvals (id, created_at, updated_at, session_id, project_id, tool_name, input, preview, status, decision, reason, decided_by, decided_at, waited_ms) VALUES (?, ?, ?, ?, ?, 'Bash', '{"command":"cat .env"}', 'cat .env', 'decided', 'allow', 'looks fine', 'person', ?, 800)`)
    .run(approvalId, at, at, sessionId, projectId, at);
  return { toolCallId, approvalId };
}
