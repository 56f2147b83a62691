import fs from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { newId } from '../../src-common/ids';
import type { IngestProblem, ParseOutput, ParsedUsage, TranscriptSourceId } from './parsed';
import { folderLister, type ProjectResolver } from './project-resolver';

/** Where Pitwall stopped reading a file, and the parser's state at that point. */
export interface FileCursor {
  path: string;
  source: TranscriptSourceId;
  size: number;
  mtimeMs: number;
  inode: number | null;
  offset: number;
  headHash: string | null;
  state: string;
  sessionId: string | null;
  status: 'ok' | 'retrying' | 'problem';
  problemCount: number;
}

/** One write: rows parsed from a file and the cursor after them, applied together or not at all. */
export interface ApplyBatch {
  cursor: Omit<FileCursor, 'sessionId' | 'problemCount'>;
  source: TranscriptSourceId;
  agentKind: string;
  /** The agent's session id; null when the file has not said yet (then only the cursor moves). */
  externalId: string | null;
  output: ParseOutput;
  /** A whole-file re-parse: a message whose text changed replaces the old row. */
  reconcile: boolean;
}


const MAX_KEPT_PROBLEMS = 20;

function realPath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/** UTC day (YYYY-MM-DD) of an epoch-ms time. */
export function utcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

interface SessionRow {
  id: string;
  title: string | null;
  cwd: string | null;
  started_at: number | null;
  ended_at: number | null;
  models: string;
  project_id: string | null;
}

interface UsageRow {
  key: string;
  day: string;
  agent_kind: string;
  model: string;
  project_key: string;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
}

/**
 * Writes parsed transcript rows with prepared statements (a first scan writes millions). Every row has
 * a natural key, so writing the same lines twice changes nothing.
 */
export class TranscriptStore {
  private readonly stmts;
  private readonly applyTx: (batch: ApplyBatch) => string | null;
  private readonly folders: () => { id: string; path: string }[];

  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    private readonly resolveProject: ProjectResolver,
    private readonly now: () => number = Date.now,
  ) {
    const s = (sql: string) => sqlite.prepare(sql);
    this.stmts = {
      cursor: s(`SELECT path, source, size, mtime_ms AS mtimeMs, inode, offset, head_hash AS headHash, state, session_id AS sessionId, status, problem_count AS problemCount FROM transcript_files WHERE path = ?`),
      problems: s(`SELECT status, problem_count AS problemCount, problems FROM transcript_files WHERE path = ?`),
      saveCursor: s(`INSERT INTO transcript_files (path, source, size, mtime_ms, inode, offset, head_hash, state, session_id, status, problems, problem_count, updated_at)
        VALUES (@path, @source, @size, @mtimeMs, @inode, @offset, @headHash, @state, @sessionId, @status, @problems, @problemCount, @updatedAt)
        ON CONFLICT(path) DO UPDATE SET source = excluded.source, size = excluded.size, mtime_ms = excluded.mtime_ms, inode = excluded.inode, offset = excluded.offset,
          head_hash = excluded.head_hash, state = excluded.state, session_id = coalesce(excluded.session_id, transcript_files.session_id), status = excluded.status,
          problems = excluded.problems, problem_count = excluded.problem_count, updated_at = excluded.updated_at`),
      findSession: s(`SELECT id, title, cwd, started_at, ended_at, models, project_id FROM sessions WHERE external_id = ? AND agent_kind = ? AND deleted_at IS NULL ORDER BY created_at LIMIT 1`),
      // An agent launched here that could not be given its session id up front (Codex, Gemini): the
      // transcript that started in its folder within a minute of it is its own.
      launchedWithout: s(`SELECT id, title, cwd, started_at, ended_at, models, project_id FROM sessions
        WHERE source = 'launched' AND agent_kind = @agentKind AND external_id IS NULL AND deleted_at IS NULL AND cwd IN (@cwd, @realCwd)
          AND started_at BETWEEN @at - 60000 AND @at + 60000 ORDER BY abs(started_at - @at) LIMIT 1`),
      adopt: s(`UPDATE sessions SET external_id = ?, transcript_path = ?, updated_at = ?, version = version + 1 WHERE id = ?`),
      insertSession: s(`INSERT INTO sessions (id, created_at, updated_at, source, agent_kind, external_id, status, models, transcript_path) VALUES (?, ?, ?, ?, ?, ?, 'recorded', '[]', ?)`),
      updateSession: s(`UPDATE sessions SET title = @title, cwd = @cwd, started_at = @startedAt, ended_at = @endedAt, models = @models, project_id = @projectId,
        updated_at = @now, version = version + 1 WHERE id = @id`),
      messageText: s(`SELECT text FROM messages WHERE session_id = ? AND external_id = ?`),
      deleteMessage: s(`DELETE FROM messages WHERE session_id = ? AND external_id = ?`),
      insertMessage: s(`INSERT OR IGNORE INTO messages (id, created_at, updated_at, session_id, role, text, sequence, timestamp, external_id, model, kind, usage_key)
        VALUES (@id, @now, @now, @sessionId, @role, @text, @sequence, @timestamp, @key, @model, @kind, @usageKey)`),
      toolExists: s(`SELECT 1 FROM tool_calls WHERE session_id = ? AND external_id = ? AND status = ? LIMIT 1`),
      toolFirst: s(`SELECT name FROM tool_calls WHERE session_id = ? AND external_id = ? AND status = 'called' LIMIT 1`),
      insertTool: s(`INSERT INTO tool_calls (id, created_at, updated_at, session_id, external_id, name, input, output_summary, status, decided_by, turn)
        VALUES (@id, @at, @now, @sessionId, @key, @name, @input, @output, @status, 'transcript', @sequence)`),
      usage: s(`SELECT key, day, agent_kind, model, project_key, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens FROM usage_records WHERE key = ?`),
      saveUsage: s(`INSERT INTO usage_records (key, session_id, day, agent_kind, model, project_key, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens)
        VALUES (@key, @sessionId, @day, @agent_kind, @model, @project_key, @input_tokens, @output_tokens, @cache_read_tokens, @cache_write_tokens)
        ON CONFLICT(key) DO UPDATE SET day = excluded.day, model = excluded.model, project_key = excluded.project_key, input_tokens = excluded.input_tokens,
          output_tokens = excluded.output_tokens, cache_read_tokens = excluded.cache_read_tokens, cache_write_tokens = excluded.cache_write_tokens`),
      addDaily: s(`INSERT INTO usage_daily (day, agent_kind, model, project_key, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, responses)
        VALUES (@day, @agent_kind, @model, @project_key, @input_tokens, @output_tokens, @cache_read_tokens, @cache_write_tokens, @responses)
        ON CONFLICT(day, agent_kind, model, project_key) DO UPDATE SET input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
          cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens, cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens, responses = responses + excluded.responses`),
    };
    this.applyTx = sqlite.transaction((batch: ApplyBatch) => this.applyNow(batch));
    this.folders = folderLister(sqlite);
  }

  /** Folders of the registered projects and their worktrees (Gemini names a project only by a hash of its folder). */
  projectFolders(): string[] {
    return this.folders().map((f) => f.path);
  }

  /** The cursor kept for a file, or null for a file never read. */
  cursor(path: string): FileCursor | null {
    return (this.stmts.cursor.get(path) as FileCursor | undefined) ?? null;
  }

  /** Writes a batch in one transaction; answers the Pitwall session id the rows went to. */
  apply(batch: ApplyBatch): string | null {
    return this.applyTx(batch);
  }

  /** Records problems on a file without moving its cursor (a file that cannot be read at all). */
  recordProblems(cursor: Omit<FileCursor, 'sessionId' | 'problemCount'>, problems: IngestProblem[]): void {
    this.sqlite.transaction(() => this.saveCursor(cursor, null, problems))();
  }

  private saveCursor(cursor: Omit<FileCursor, 'sessionId' | 'problemCount'>, sessionId: string | null, problems: IngestProblem[]): void {
    // Runs once per batch of a scan: one small read, and the kept problems are parsed only when some are added.
    const previous = this.stmts.problems.get(cursor.path) as { status: string; problemCount: number; problems: string } | undefined;
    const kept = problems.length > 0 ? JSON.stringify([...(JSON.parse(previous?.problems ?? '[]') as IngestProblem[]), ...problems].slice(-MAX_KEPT_PROBLEMS)) : (previous?.problems ?? '[]');
    this.stmts.saveCursor.run({
      ...cursor,
      sessionId,
      // A file once found with problems stays marked until its problems are looked at in diagnostics.
      status: cursor.status !== 'ok' ? cursor.status : problems.length > 0 || previous?.status === 'problem' ? 'problem' : 'ok',
      problems: kept,
      problemCount: (previous?.problemCount ?? 0) + problems.length,
      updatedAt: this.now(),
    });
  }

  private applyNow(batch: ApplyBatch): string | null {
    const { output } = batch;
    const now = this.now();
    let sessionId: string | null = null;
    if (batch.externalId) {
      const session = this.session(batch, now);
      sessionId = session.id;
      const projectKey = session.project_id ?? '';
      for (const m of output.messages) {
        if (batch.reconcile || m.replace) {
          const existing = this.stmts.messageText.get(sessionId, m.key) as { text: string } | undefined;
          if (existing && existing.text === m.text) continue;
          if (existing) this.stmts.deleteMessage.run(sessionId, m.key);
        }
        this.stmts.insertMessage.run({ id: newId(), now, sessionId, role: m.role, text: m.text, sequence: m.sequence, timestamp: m.timestamp, key: m.key, model: m.model, kind: m.kind, usageKey: m.usageKey });
      }
      for (const t of output.toolEvents) {
        if (this.stmts.toolExists.get(sessionId, t.key, t.status)) continue;
        const name = t.name ?? (this.stmts.toolFirst.get(sessionId, t.key) as { name: string } | undefined)?.name ?? 'tool';
        // An ingested call is dated by its line, so the timeline can place it among the messages.
        this.stmts.insertTool.run({ id: newId(), now, at: t.timestamp ?? now, sessionId, key: t.key, name, input: t.input ?? '{}', output: t.output, status: t.status, sequence: t.sequence });
      }
      for (const u of output.usage) this.usage(u, sessionId, batch.agentKind, projectKey, session.started_at ?? now);
    }
    this.saveCursor(batch.cursor, sessionId, output.problems);
    return sessionId;
  }

  private session(batch: ApplyBatch, now: number): SessionRow {
    let row = this.stmts.findSession.get(batch.externalId, batch.agentKind) as SessionRow | undefined;
    const facts = batch.output.session;
    if (!row && facts.cwd && facts.startedAt !== undefined) {
      row = this.stmts.launchedWithout.get({ agentKind: batch.agentKind, cwd: facts.cwd, realCwd: realPath(facts.cwd), at: facts.startedAt }) as SessionRow | undefined;
      if (row) this.stmts.adopt.run(batch.externalId, batch.cursor.path, now, row.id);
    }
    if (!row) {
      const id = newId();
      this.stmts.insertSession.run(id, now, now, batch.source, batch.agentKind, batch.externalId, batch.cursor.path);
      row = { id, title: null, cwd: null, started_at: null, ended_at: null, models: '[]', project_id: null };
    }
    const models = JSON.parse(row.models) as string[];
    const addedModel = (facts.models ?? []).some((m) => !models.includes(m));
    for (const m of facts.models ?? []) if (!models.includes(m)) models.push(m);
    const next = {
      title: facts.title ?? row.title ?? facts.fallbackTitle ?? null,
      cwd: row.cwd ?? facts.cwd ?? null,
      startedAt: facts.startedAt !== undefined && (row.started_at === null || facts.startedAt < row.started_at) ? facts.startedAt : row.started_at,
      endedAt: facts.endedAt !== undefined && (row.ended_at === null || facts.endedAt > row.ended_at) ? facts.endedAt : row.ended_at,
      projectId: row.project_id,
    };
    if (!next.projectId && next.cwd) next.projectId = this.resolveProject(next.cwd);
    const changed = next.title !== row.title || next.cwd !== row.cwd || next.startedAt !== row.started_at || next.endedAt !== row.ended_at || addedModel || next.projectId !== row.project_id;
    if (changed) {
      this.stmts.updateSession.run({ ...next, models: JSON.stringify(models), now, id: row.id });
      row = { ...row, title: next.title, cwd: next.cwd, started_at: next.startedAt, ended_at: next.endedAt, models: JSON.stringify(models), project_id: next.projectId };
    }
    return row;
  }

  private usage(u: ParsedUsage, sessionId: string, agentKind: string, projectKey: string, fallbackAt: number): void {
    const old = this.stmts.usage.get(u.key) as UsageRow | undefined;
    const pick = (before: number | undefined, value: number) => (u.merge === 'max' && before !== undefined ? Math.max(before, value) : value);
    const next: UsageRow = {
      key: u.key,
      day: old && u.merge === 'max' ? old.day : utcDay(u.timestamp ?? fallbackAt),
      agent_kind: agentKind,
      model: old && u.merge === 'max' ? old.model : u.model,
      project_key: old?.project_key ?? projectKey,
      input_tokens: pick(old?.input_tokens, u.input),
      output_tokens: pick(old?.output_tokens, u.output),
      cache_read_tokens: pick(old?.cache_read_tokens, u.cacheRead),
      cache_write_tokens: pick(old?.cache_write_tokens, u.cacheWrite),
    };
    if (old && (['day', 'model', 'input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens'] as const).every((k) => old[k] === next[k])) return;
    this.stmts.saveUsage.run({ ...next, sessionId });
    if (old) this.stmts.addDaily.run({ ...old, input_tokens: -old.input_tokens, output_tokens: -old.output_tokens, cache_read_tokens: -old.cache_read_tokens, cache_write_tokens: -old.cache_write_tokens, responses: -1 });
    this.stmts.addDaily.run({ ...next, responses: 1 });
  }
}
