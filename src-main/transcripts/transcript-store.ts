import fs from 'node:fs';
import nodePath from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { newId } from '../../src-common/ids';
import { isMainTranscript } from './main-file';
import { normalizeModel, type IngestProblem, type ParseOutput, type ParsedToolEvent, type ParsedUsage, type TranscriptSourceId } from './parsed';
import { folderLister, projectIn, type ProjectFolder, type ProjectResolver } from './project-resolver';
import { restoreTriggers, suspendTriggers } from './suspended-triggers';
import { dayFunction, effectiveZone } from './usage-days';

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
  /** The whole session was parsed: its messages that are gone from it (removed in the IDE) are deleted. */
  prune?: boolean;
  /** The first batch of a read from the start of the file: its earlier problems no longer apply. */
  restart?: boolean;
}

/** The first problems of a file are kept (where a damaged file goes wrong), and a count of all. */
const MAX_KEPT_PROBLEMS = 20;

function realPath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

interface SessionRow {
  id: string;
  source: string;
  external_id: string | null;
  title: string | null;
  cwd: string | null;
  started_at: number | null;
  ended_at: number | null;
  models: string;
  project_id: string | null;
  transcript_path: string | null;
  workspace_id: string | null;
}

interface UsageRow {
  key: string;
  session_id: string;
  day: string;
  at: number | null;
  agent_kind: string;
  model: string;
  project_key: string;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  sidechain: number;
}

const TOKEN_COLUMNS = ['input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens'] as const;

/** A batch's net change to one row of the daily rollup; `shrank` when a record left it (it may be empty now). */
interface DailyChange extends Pick<UsageRow, 'day' | 'agent_kind' | 'model' | 'project_key' | (typeof TOKEN_COLUMNS)[number]> {
  responses: number;
  shrank: boolean;
}

function total(u: UsageRow): number {
  return u.input_tokens + u.output_tokens + u.cache_read_tokens + u.cache_write_tokens;
}

/** True when the output holds anything a session is made of (a batch of bookkeeping lines makes none). */
function hasContent(out: ParseOutput): boolean {
  const s = out.session;
  return out.messages.length > 0 || out.toolEvents.length > 0 || out.usage.length > 0 || !!s.title || !!s.fallbackTitle || !!s.cwd || s.startedAt !== undefined;
}

/** Options of a {@link TranscriptStore}. */
export interface TranscriptStoreOptions {
  now?: () => number;
  /** The zone usage days are counted in: an IANA name, or `local` (the system's). Default: `local`. */
  timeZone?: string;
  /** Runs each write transaction: a bulk writer takes turns with the core's writes there ({@link WriteTurns.bulk}). */
  writeTurn?: <T>(transaction: () => T) => T;
}

/**
 * The searchable tables and how their rows are indexed in bulk. While a table's `after` key is in
 * transcript_state, its insert trigger indexes nothing and rows above that seq wait for
 * {@link TranscriptStore.indexForSearch} (migration 0012).
 */
const SEARCH_INDEXES = [
  { table: 'messages', key: 'fts_messages_after', fill: `INSERT INTO messages_fts(rowid, text) SELECT seq, text FROM messages WHERE seq > ? AND seq <= ?` },
  {
    table: 'tool_calls',
    key: 'fts_tool_calls_after',
    fill: `INSERT INTO tool_calls_fts(rowid, name, input, output_summary) SELECT seq, name, input, output_summary FROM tool_calls WHERE seq > ? AND seq <= ?`,
  },
] as const;

/**
 * While this key is in transcript_state the session totals triggers count nothing, for
 * {@link TranscriptStore.countTotals} to count later (migration 0015). Its value holds the last seq of
 * messages and of tool_calls before: rows above it are new. Every other change marks its session in
 * session_totals_pending.
 */
const TOTALS_KEY = 'session_totals_deferred';
const LAST_SEQS = `json_object('messages', coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'messages'), 0),
  'tool_calls', coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'tool_calls'), 0))`;
/** Marks the sessions of the messages and tool calls written since the seqs in `@after` (the key's value). */
const MARK_NEW_ROWS = [
  `INSERT OR IGNORE INTO session_totals_pending (session_id) SELECT DISTINCT session_id FROM messages WHERE seq > json_extract(@after, '$.messages')`,
  `INSERT OR IGNORE INTO session_totals_pending (session_id) SELECT DISTINCT session_id FROM tool_calls WHERE seq > json_extract(@after, '$.tool_calls')`,
];
const PENDING_SESSIONS = `SELECT session_id FROM session_totals_pending`;
/**
 * Counts the marked sessions' totals again from their rows, as the triggers of migration 0013 keep
 * them: a session's or model's row stays (at zero) when its rows are gone, and usage days only widen.
 */
const COUNT_PENDING_TOTALS = [
  `UPDATE session_counts SET messages = 0, tool_calls = 0 WHERE session_id IN (${PENDING_SESSIONS})`,
  `INSERT INTO session_counts (session_id, messages) SELECT session_id, count(*) FROM messages WHERE session_id IN (${PENDING_SESSIONS}) GROUP BY session_id
    ON CONFLICT(session_id) DO UPDATE SET messages = excluded.messages`,
  // A call is counted once however many rows (called, answered) share its id; a row with no id counts alone (as 0013's back-fill counts).
  `INSERT INTO session_counts (session_id, tool_calls) SELECT session_id, count(DISTINCT coalesce(external_id, id)) FROM tool_calls
    WHERE session_id IN (${PENDING_SESSIONS}) GROUP BY session_id ON CONFLICT(session_id) DO UPDATE SET tool_calls = excluded.tool_calls`,
  `UPDATE session_usage SET input_tokens = 0, output_tokens = 0, cache_read_tokens = 0, cache_write_tokens = 0, responses = 0 WHERE session_id IN (${PENDING_SESSIONS})`,
  `INSERT INTO session_usage (session_id, model, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, responses, first_day, last_day)
    SELECT session_id, model, sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cache_write_tokens), count(*), min(day), max(day)
    FROM usage_records WHERE session_id IN (${PENDING_SESSIONS}) GROUP BY session_id, model
    ON CONFLICT(session_id, model) DO UPDATE SET input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens, cache_read_tokens = excluded.cache_read_tokens,
      cache_write_tokens = excluded.cache_write_tokens, responses = excluded.responses,
      first_day = min(coalesce(first_day, excluded.first_day), excluded.first_day), last_day = max(coalesce(last_day, excluded.last_day), excluded.last_day)`,
  `DELETE FROM session_totals_pending`,
];

/** Rows (by seq) indexed for search per transaction: about 0.1 s of work, so the core is not kept waiting longer; smaller chunks made more FTS segments to merge (4,096: +0.35 s on a 256 MB scan). */
const SEARCH_INDEX_CHUNK = 16_384;

/** Page cache of a connection writing in bulk (KiB, as SQLite's negative cache_size counts). */
const BULK_CACHE_KIB = 64 * 1024;
/** WAL pages between checkpoints while writing in bulk (SQLite's default is 1000). */
const BULK_CHECKPOINT_PAGES = 10_000;

const SESSION_COLUMNS = 'id, source, external_id, title, cwd, started_at, ended_at, models, project_id, transcript_path, workspace_id';
const ZONE_KEY = 'usage_time_zone';

/**
 * Writes parsed transcript rows with prepared statements (a first scan writes millions). Every row is
 * keyed by what it is (a message's or a response's own id, a tool call's id), so the same lines read
 * twice, rewritten, copied under another name or replayed by another file change nothing.
 */
export class TranscriptStore {
  private readonly stmts;
  private readonly applyTx: BetterSqlite3.Transaction<(batch: ApplyBatch) => string | null>;
  private readonly folders: () => ProjectFolder[];
  private readonly now: () => number;
  private readonly turn: <T>(transaction: () => T) => T;
  private zone: string;
  private day: (at: number) => string;
  private readonly legacyChecked = new Set<string>();
  /** The registered folders the last re-attribution was made for. */
  private attributedFor: string | null = null;
  /** The connection's own settings while {@link beginBulk} has changed them. */
  private bulkPragmas: { cache: number; checkpoint: number; tempStore: number } | null = null;

  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    private readonly resolveProject: ProjectResolver,
    options: TranscriptStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.turn = options.writeTurn ?? ((transaction) => transaction());
    this.zone = options.timeZone ?? 'local';
    this.day = dayFunction(this.zone);
    const s = (sql: string) => sqlite.prepare(sql);
    this.stmts = {
      cursor: s(`SELECT path, source, size, mtime_ms AS mtimeMs, inode, offset, head_hash AS headHash, state, session_id AS sessionId, status, problem_count AS problemCount FROM transcript_files WHERE path = ?`),
      problems: s(`SELECT status, problem_count AS problemCount, problems FROM transcript_files WHERE path = ?`),
      saveCursor: s(`INSERT INTO transcript_files (path, source, size, mtime_ms, inode, offset, head_hash, state, session_id, status, problems, problem_count, updated_at)
        VALUES (@path, @source, @size, @mtimeMs, @inode, @offset, @headHash, @state, @sessionId, @status, @problems, @problemCount, @updatedAt)
        ON CONFLICT(path) DO UPDATE SET source = excluded.source, size = excluded.size, mtime_ms = excluded.mtime_ms, inode = excluded.inode, offset = excluded.offset,
          head_hash = excluded.head_hash, state = excluded.state, session_id = coalesce(excluded.session_id, transcript_files.session_id), status = excluded.status,
          problems = excluded.problems, problem_count = excluded.problem_count, updated_at = excluded.updated_at`),
      fileMtime: s(`SELECT mtime_ms AS mtime FROM transcript_files WHERE path = ?`),
      newestOtherFile: s(`SELECT max(mtime_ms) AS m FROM transcript_files WHERE session_id = ? AND path != ?`),
      findSession: s(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE external_id = ? AND agent_kind = ? AND deleted_at IS NULL ORDER BY created_at LIMIT 1`),
      // An agent launched here that could not be given its session id up front (Codex, Gemini): the
      // transcript that started in its folder within a minute of it is its own, while it still runs
      // (a session that has ended cannot be writing a new chat).
      launchedWithout: s(`SELECT ${SESSION_COLUMNS} FROM sessions
        WHERE source = 'launched' AND agent_kind = @agentKind AND external_id IS NULL AND deleted_at IS NULL AND cwd IN (@cwd, @realCwd)
          AND status IN ('starting', 'running', 'stopping')
          AND started_at BETWEEN @at - 60000 AND @at + 60000 ORDER BY abs(started_at - @at) LIMIT 1`),
      adopt: s(`UPDATE sessions SET external_id = ?, transcript_path = ?, updated_at = ?, version = version + 1 WHERE id = ?`),
      insertSession: s(`INSERT INTO sessions (id, created_at, updated_at, source, agent_kind, external_id, status, models, transcript_path) VALUES (?, ?, ?, ?, ?, ?, 'recorded', '[]', ?)`),
      updateSession: s(`UPDATE sessions SET title = @title, cwd = @cwd, started_at = @startedAt, ended_at = @endedAt, models = @models, project_id = @projectId,
        transcript_path = @transcriptPath, updated_at = @now, version = version + 1 WHERE id = @id`),
      externalIdOf: s(`SELECT external_id FROM sessions WHERE id = ?`),
      messageText: s(`SELECT text, usage_key AS usageKey FROM messages WHERE session_id = ? AND external_id = ?`),
      messageKeys: s(`SELECT external_id FROM messages WHERE session_id = ?`),
      deleteMessage: s(`DELETE FROM messages WHERE session_id = ? AND external_id = ?`),
      insertMessage: s(`INSERT OR IGNORE INTO messages (id, created_at, updated_at, session_id, role, text, sequence, timestamp, external_id, model, kind, usage_key)
        VALUES (@id, @now, @now, @sessionId, @role, @text, @sequence, @timestamp, @key, @model, @kind, @usageKey)`),
      // The rows already there of a batch's tool calls, in one statement per batch rather than two per event.
      // CROSS JOIN keeps the keys outside: SQLite would otherwise read every tool row of the session.
      knownTools: s(`SELECT t.external_id AS key, t.status, t.name FROM json_each(@keys) j CROSS JOIN tool_calls t
        WHERE t.session_id = @sessionId AND t.external_id = j.value ORDER BY t.seq`),
      insertTool: s(`INSERT INTO tool_calls (id, created_at, updated_at, session_id, external_id, name, input, output_summary, status, decided_by, turn)
        VALUES (@id, @at, @now, @sessionId, @key, @name, @input, @output, @status, 'transcript', @sequence)`),
      // The records already there of a batch's responses, in one statement per batch rather than one per sighting.
      usageOf: s(`SELECT key, session_id, day, at, agent_kind, model, project_key, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, sidechain
        FROM usage_records WHERE key IN (SELECT value FROM json_each(?))`),
      saveUsage: s(`INSERT INTO usage_records (key, session_id, day, at, agent_kind, model, project_key, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, sidechain)
        VALUES (@key, @session_id, @day, @at, @agent_kind, @model, @project_key, @input_tokens, @output_tokens, @cache_read_tokens, @cache_write_tokens, @sidechain)
        ON CONFLICT(key) DO UPDATE SET session_id = excluded.session_id, day = excluded.day, at = excluded.at, agent_kind = excluded.agent_kind, model = excluded.model,
          project_key = excluded.project_key, input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens, cache_read_tokens = excluded.cache_read_tokens,
          cache_write_tokens = excluded.cache_write_tokens, sidechain = excluded.sidechain`),
      deleteUsage: s(`DELETE FROM usage_records WHERE key = ?`),
      addDaily: s(`INSERT INTO usage_daily (day, agent_kind, model, project_key, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, responses)
        VALUES (@day, @agent_kind, @model, @project_key, @input_tokens, @output_tokens, @cache_read_tokens, @cache_write_tokens, @responses)
        ON CONFLICT(day, agent_kind, model, project_key) DO UPDATE SET input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
          cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens, cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens, responses = responses + excluded.responses`),
      dropEmptyDaily: s(`DELETE FROM usage_daily WHERE day = @day AND agent_kind = @agent_kind AND model = @model AND project_key = @project_key AND responses <= 0`),
      // A session's usage, added to (sign 1) or taken from (sign -1) the daily rollup in one statement.
      shiftDaily: s(`INSERT INTO usage_daily (day, agent_kind, model, project_key, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, responses)
        SELECT day, agent_kind, model, project_key, @sign * sum(input_tokens), @sign * sum(output_tokens), @sign * sum(cache_read_tokens), @sign * sum(cache_write_tokens), @sign * count(*)
        FROM usage_records WHERE session_id = @sessionId GROUP BY day, agent_kind, model, project_key
        ON CONFLICT(day, agent_kind, model, project_key) DO UPDATE SET input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
          cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens, cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens, responses = responses + excluded.responses`),
      setUsageProject: s(`UPDATE usage_records SET project_key = ? WHERE session_id = ?`),
      dropAllEmptyDaily: s(`DELETE FROM usage_daily WHERE responses <= 0`),
      attributable: s(`SELECT id, cwd, project_id FROM sessions WHERE source != 'launched' AND deleted_at IS NULL AND cwd IS NOT NULL`),
      setProject: s(`UPDATE sessions SET project_id = ?, updated_at = ?, version = version + 1 WHERE id = ?`),
      findWorkspace: s(`SELECT id, project_id AS projectId FROM workspaces WHERE source = ? AND folder = ? AND deleted_at IS NULL ORDER BY created_at LIMIT 1`),
      insertWorkspace: s(`INSERT INTO workspaces (id, created_at, updated_at, machine_id, project_id, source, external_id, folder)
        VALUES (?, ?, ?, (SELECT id FROM machines WHERE is_local = 1 AND deleted_at IS NULL ORDER BY created_at LIMIT 1), ?, ?, ?, ?)`),
      setWorkspaceProject: s(`UPDATE workspaces SET project_id = ?, updated_at = ?, version = version + 1 WHERE id = ?`),
      // A workspace belongs to the project its folder is in: it follows its sessions when they move.
      workspaceFollows: s(`UPDATE workspaces SET project_id = @project, updated_at = @now, version = version + 1
        WHERE id = (SELECT workspace_id FROM sessions WHERE id = @session) AND project_id IS NOT @project`),
      setSessionWorkspace: s(`UPDATE sessions SET workspace_id = ?, updated_at = ?, version = version + 1 WHERE id = ?`),
      state: s(`SELECT value FROM transcript_state WHERE key = ?`),
      setState: s(`INSERT INTO transcript_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`),
      legacyCodex: s(`SELECT 1 FROM messages WHERE session_id = @id AND external_id GLOB 'line-*'
        UNION ALL SELECT 1 FROM tool_calls WHERE session_id = @id AND external_id GLOB 'line-*'
        UNION ALL SELECT 1 FROM usage_records WHERE key >= @from AND key < @to LIMIT 1`),
      // A key range rather than GLOB with a parameter, which SQLite cannot look up in the key's index.
      legacyCodexUsage: s(`SELECT key, session_id, day, at, agent_kind, model, project_key, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, sidechain FROM usage_records WHERE key >= @from AND key < @to`),
      dropLegacyMessages: s(`DELETE FROM messages WHERE session_id = ? AND external_id GLOB 'line-*'`),
      dropLegacyTools: s(`DELETE FROM tool_calls WHERE session_id = ? AND external_id GLOB 'line-*'`),
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

  /** Runs `fn` in an IMMEDIATE transaction, in its turn (see {@link TranscriptStoreOptions.writeTurn}). */
  private write<T>(fn: () => T): T {
    return this.turn(() => this.sqlite.transaction(fn).immediate());
  }

  /** Writes a batch in one transaction; answers the Pitwall session id the rows went to. */
  apply(batch: ApplyBatch): string | null {
    return this.turn(() => this.applyTx.immediate(batch));
  }

  /**
   * Makes this connection fit for writing a whole history (a first scan): a larger page cache, fewer
   * WAL checkpoints, temporary data in memory, search indexing of new rows deferred to {@link indexForSearch}, which indexes
   * them together (one large segment instead of one per transaction), and session totals deferred to
   * {@link countTotals}. {@link endBulk} undoes it all.
   */
  beginBulk(): void {
    this.bulkPragmas ??= {
      cache: this.sqlite.pragma('cache_size', { simple: true }) as number,
      checkpoint: this.sqlite.pragma('wal_autocheckpoint', { simple: true }) as number,
      tempStore: this.sqlite.pragma('temp_store', { simple: true }) as number,
    };
    this.sqlite.pragma(`cache_size = -${BULK_CACHE_KIB}`);
    this.sqlite.pragma(`wal_autocheckpoint = ${BULK_CHECKPOINT_PAGES}`);
    // A write that fires triggers keeps a statement journal (to undo just that statement); past 64 KiB it
    // goes to a temporary file, which then serves every later statement of the transaction. A 256 MB
    // scan wrote 0.9 GB to such files; in memory its peak RSS stayed the same.
    this.sqlite.pragma('temp_store = MEMORY');
    this.write(() => {
      for (const { table, key } of SEARCH_INDEXES) {
        // Kept when already there: a scan killed midway left rows above it unindexed.
        this.sqlite
          .prepare(`INSERT INTO transcript_state (key, value) SELECT ?, coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0) WHERE NOT EXISTS (SELECT 1 FROM transcript_state WHERE key = ?)`)
          .run(key, table, key);
        suspendTriggers(this.sqlite, key);
      }
      // Kept when already there too: its seqs say where a killed scan's uncounted rows start.
      this.sqlite.prepare(`INSERT OR IGNORE INTO transcript_state (key, value) VALUES (?, ${LAST_SEQS})`).run(TOTALS_KEY);
      suspendTriggers(this.sqlite, TOTALS_KEY);
    });
  }

  /**
   * Counts again the totals of the sessions whose rows changed since session totals were deferred
   * (new rows by their seq, anything else marked by the triggers), in one transaction; with
   * `keepDeferring` they stay deferred. Answers how many sessions it counted.
   */
  countTotals(keepDeferring = false): number {
    return this.write(() => {
      const after = this.stmts.state.get(TOTALS_KEY) as { value: string } | undefined;
      if (!after) {
        // Never missing without its key; put back in case a crash parted them anyway.
        restoreTriggers(this.sqlite, TOTALS_KEY);
        return 0;
      }
      for (const sql of MARK_NEW_ROWS) this.sqlite.prepare(sql).run({ after: after.value });
      const sessions = (this.sqlite.prepare(`SELECT count(*) AS n FROM session_totals_pending`).get() as { n: number }).n;
      if (sessions > 0) for (const sql of COUNT_PENDING_TOTALS) this.sqlite.prepare(sql).run();
      if (keepDeferring) this.sqlite.prepare(`UPDATE transcript_state SET value = ${LAST_SEQS} WHERE key = ?`).run(TOTALS_KEY);
      else {
        this.sqlite.prepare(`DELETE FROM transcript_state WHERE key = ?`).run(TOTALS_KEY);
        restoreTriggers(this.sqlite, TOTALS_KEY);
      }
      return sessions;
    });
  }

  /** Does the work deferred while writing in bulk so far: search indexing and session totals (see {@link beginBulk}). */
  catchUp(keepDeferring = false): void {
    this.indexForSearch(keepDeferring);
    this.countTotals(keepDeferring);
  }

  /**
   * Indexes for search every row written since search indexing was deferred, in transactions of
   * {@link SEARCH_INDEX_CHUNK} seqs (the key moves on with each, so a kill midway loses nothing, and the
   * core can write in between); with `keepDeferring` the rows written next wait for the next call.
   * Answers how many rows it indexed.
   */
  indexForSearch(keepDeferring = false): number {
    let indexed = 0;
    for (const { table, key, fill } of SEARCH_INDEXES) {
      let done = false;
      while (!done) {
        done = this.write(() => {
          const after = this.stmts.state.get(key) as { value: string } | undefined;
          if (!after) {
            restoreTriggers(this.sqlite, key);
            return true;
          }
          const last = (this.sqlite.prepare(`SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0) AS seq`).get(table) as { seq: number }).seq;
          const upTo = Math.min(last, Number(after.value) + SEARCH_INDEX_CHUNK);
          indexed += this.sqlite.prepare(fill).run(Number(after.value), upTo).changes;
          if (upTo < last || keepDeferring) {
            this.stmts.setState.run(key, String(upTo));
            return upTo === last;
          }
          // Read and indexed up to the last row in this same transaction: from here the trigger indexes each new row.
          this.sqlite.prepare(`DELETE FROM transcript_state WHERE key = ?`).run(key);
          restoreTriggers(this.sqlite, key);
          return true;
        });
      }
    }
    return indexed;
  }

  /** Does what waits (search indexing, session totals) and puts the connection back as it was before {@link beginBulk}. */
  endBulk(): void {
    this.catchUp();
    if (!this.bulkPragmas) return;
    this.sqlite.pragma(`cache_size = ${this.bulkPragmas.cache}`);
    this.sqlite.pragma(`wal_autocheckpoint = ${this.bulkPragmas.checkpoint}`);
    this.sqlite.pragma(`temp_store = ${this.bulkPragmas.tempStore}`);
    this.bulkPragmas = null;
  }

  /** Records problems on a file without moving its cursor (a file that cannot be read at all). */
  recordProblems(cursor: Omit<FileCursor, 'sessionId' | 'problemCount'>, problems: IngestProblem[]): void {
    this.write(() => this.saveCursor(cursor, null, problems, false));
  }

  /**
   * Attributes every session read from a transcript to the project whose folder holds its working
   * folder now (after a project or worktree was added, moved or removed), and moves its usage in the
   * rollup with it. Answers the sessions that moved.
   */
  reattribute(): string[] {
    return this.write(() => {
      const folders = this.folders();
      // Sessions are attributed as they are read: while the folders stay the same, nothing can have moved.
      const fingerprint = JSON.stringify(folders.map((f) => [f.id, f.path]).sort());
      if (fingerprint === this.attributedFor) return [];
      this.attributedFor = fingerprint;
      const moved: string[] = [];
      for (const row of this.stmts.attributable.all() as { id: string; cwd: string; project_id: string | null }[]) {
        const project = projectIn(folders, row.cwd);
        if (project === row.project_id) continue;
        this.stmts.setProject.run(project, this.now(), row.id);
        this.stmts.workspaceFollows.run({ project, now: this.now(), session: row.id });
        this.moveUsage(row.id, project);
        moved.push(row.id);
      }
      return moved;
    });
  }

  /** The zone usage days are counted in (as configured: an IANA name or `local`). */
  timeZone(): string {
    return this.zone;
  }

  /**
   * Counts days in `zone` from now on, and (unless `rebuild` is false) puts every usage record on its
   * day in that zone and rebuilds the daily rollup when it was built in another one. Answers whether it rebuilt.
   */
  useTimeZone(zone: string, rebuild = true): boolean {
    this.zone = zone;
    this.day = dayFunction(zone);
    if (!rebuild) return false;
    const effective = effectiveZone(zone);
    const built = (this.stmts.state.get(ZONE_KEY) as { value: string } | undefined)?.value;
    if (built === effective) return false;
    this.sqlite.function('pitwall_usage_day', { deterministic: true }, (at: unknown) => this.day(Number(at)));
    this.write(() => {
      this.sqlite.exec(`UPDATE usage_records SET day = pitwall_usage_day(at) WHERE at IS NOT NULL`);
      this.sqlite.exec(`DELETE FROM usage_daily`);
      this.sqlite.exec(`INSERT INTO usage_daily (day, agent_kind, model, project_key, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, responses)
        SELECT day, agent_kind, model, project_key, sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cache_write_tokens), count(*)
        FROM usage_records WHERE true GROUP BY day, agent_kind, model, project_key`);
      this.stmts.setState.run(ZONE_KEY, effective);
    });
    return true;
  }

  private saveCursor(cursor: Omit<FileCursor, 'sessionId' | 'problemCount'>, sessionId: string | null, problems: IngestProblem[], restart: boolean): void {
    // Runs once per batch of a scan: one small read, and the kept problems are parsed only when some are added.
    const previous = this.stmts.problems.get(cursor.path) as { status: string; problemCount: number; problems: string } | undefined;
    const before = restart ? undefined : previous;
    const kept = problems.length > 0 ? JSON.stringify([...(JSON.parse(before?.problems ?? '[]') as IngestProblem[]), ...problems].slice(0, MAX_KEPT_PROBLEMS)) : (before?.problems ?? '[]');
    this.stmts.saveCursor.run({
      ...cursor,
      sessionId,
      // A file once found with problems stays marked until it is read again from its start.
      status: cursor.status !== 'ok' ? cursor.status : problems.length > 0 || before?.status === 'problem' ? 'problem' : 'ok',
      problems: kept,
      problemCount: (before?.problemCount ?? 0) + problems.length,
      updatedAt: this.now(),
    });
  }

  private applyNow(batch: ApplyBatch): string | null {
    const { output } = batch;
    const now = this.now();
    let sessionId: string | null = null;
    if (batch.externalId && hasContent(output)) {
      const session = this.session(batch, now);
      sessionId = session.id;
      for (const m of output.messages) {
        if (batch.reconcile || m.replace) {
          const existing = this.stmts.messageText.get(sessionId, m.key) as { text: string; usageKey: string | null } | undefined;
          // The same message is kept, unless it now names the response it came in (Codex counts
          // tokens after the message); rows are never updated in place, so it is written anew.
          if (existing && existing.text === m.text && (!m.usageKey || existing.usageKey === m.usageKey)) continue;
          if (existing) this.stmts.deleteMessage.run(sessionId, m.key);
        }
        this.stmts.insertMessage.run({ id: newId(), now, sessionId, role: m.role, text: m.text, sequence: m.sequence, timestamp: m.timestamp, key: m.key, model: m.model === null ? null : normalizeModel(m.model), kind: m.kind, usageKey: m.usageKey });
      }
      if (batch.prune) this.prune(batch, sessionId);
      const tools = this.knownTools(sessionId, output.toolEvents);
      for (const t of output.toolEvents) {
        // A step of a call is written once; a result names its call by the name of the call's first row.
        const known = tools.get(t.key)!;
        if (known.statuses.has(t.status)) continue;
        const name = t.name ?? known.name ?? 'tool';
        // An ingested call is dated by its line, so the timeline can place it among the messages.
        this.stmts.insertTool.run({ id: newId(), now, at: t.timestamp ?? now, sessionId, key: t.key, name, input: t.input ?? '{}', output: t.output, status: t.status, sequence: t.sequence });
        known.statuses.add(t.status);
        if (t.status === 'called') known.name ??= name;
      }
      const daily = new Map<string, DailyChange>();
      const sightings = this.foldUsage(output.usage, session, batch.agentKind);
      const records = this.usageRecords([...sightings.keys()]);
      for (const { merge, row } of sightings.values()) this.usage(merge, row, records.get(row.key), session, daily);
      this.flushDaily(daily);
    }
    this.saveCursor(batch.cursor, sessionId, output.problems, batch.restart === true);
    return sessionId;
  }

  /**
   * Deletes the session's messages that its whole-session parse no longer holds (a request removed or
   * undone in VS Code). Tool calls stay: they ran. Usage stays: it was spent. A file older than another
   * copy of the same session prunes nothing.
   */
  private prune(batch: ApplyBatch, sessionId: string): void {
    const newest = (this.stmts.newestOtherFile.get(sessionId, batch.cursor.path) as { m: number | null }).m;
    if (newest !== null && newest > batch.cursor.mtimeMs) return;
    const keep = new Set(batch.output.messages.map((m) => m.key));
    for (const { external_id: key } of this.stmts.messageKeys.all(sessionId) as { external_id: string | null }[]) {
      if (key !== null && !keep.has(key)) this.stmts.deleteMessage.run(sessionId, key);
    }
  }

  private session(batch: ApplyBatch, now: number): SessionRow {
    const externalId = batch.externalId!;
    let row = this.stmts.findSession.get(externalId, batch.agentKind) as SessionRow | undefined;
    const facts = batch.output.session;
    if (!row && facts.cwd && facts.startedAt !== undefined) {
      row = this.stmts.launchedWithout.get({ agentKind: batch.agentKind, cwd: facts.cwd, realCwd: realPath(facts.cwd), at: facts.startedAt }) as SessionRow | undefined;
      if (row) {
        this.stmts.adopt.run(externalId, batch.cursor.path, now, row.id);
        row = { ...row, external_id: externalId, transcript_path: batch.cursor.path };
      }
    }
    if (!row) {
      const id = newId();
      this.stmts.insertSession.run(id, now, now, batch.source, batch.agentKind, externalId, batch.cursor.path);
      row = {
        id,
        source: batch.source,
        external_id: externalId,
        title: null,
        cwd: null,
        started_at: null,
        ended_at: null,
        models: '[]',
        project_id: null,
        transcript_path: batch.cursor.path,
        workspace_id: null,
      };
    }
    if (batch.source === 'codex') this.dropLegacyCodexRows(row);
    // The session's own file decides its title, folder and path; a subagent's file or a copy read first only fills gaps.
    const main = isMainTranscript(batch.source, batch.cursor.path, externalId);
    const mainKnown = row.transcript_path !== null && isMainTranscript(batch.source, row.transcript_path, externalId);
    // Two files can both be the session's own (VS Code copies a session when a workspace moves): the newest one is.
    const takeOver = main && (!mainKnown || (row.transcript_path !== batch.cursor.path && this.fileMtime(row.transcript_path!) < batch.cursor.mtimeMs));
    const models = JSON.parse(row.models) as string[];
    const addedModel = (facts.models ?? []).some((m) => !models.includes(m));
    for (const m of facts.models ?? []) if (!models.includes(m)) models.push(m);
    const decides = main || !mainKnown;
    const next = {
      title: decides ? (facts.title ?? (takeOver ? (facts.fallbackTitle ?? row.title) : (row.title ?? facts.fallbackTitle)) ?? null) : row.title,
      cwd: takeOver ? (facts.cwd ?? row.cwd) : (row.cwd ?? facts.cwd ?? null),
      startedAt: facts.startedAt !== undefined && (row.started_at === null || facts.startedAt < row.started_at) ? facts.startedAt : row.started_at,
      // A session launched here ends when its process does (the session service records it); its
      // transcript's last line would show a running agent as ended.
      endedAt: row.source !== 'launched' && facts.endedAt !== undefined && (row.ended_at === null || facts.endedAt > row.ended_at) ? facts.endedAt : row.ended_at,
      projectId: row.project_id,
      transcriptPath: takeOver ? batch.cursor.path : row.transcript_path,
    };
    // A session launched here belongs to the project it was launched in; one read from a file, to the folder it ran in.
    if (row.source !== 'launched' && next.cwd && (next.cwd !== row.cwd || !next.projectId)) next.projectId = this.resolveProject(next.cwd);
    const changed =
      next.title !== row.title || next.cwd !== row.cwd || next.startedAt !== row.started_at || next.endedAt !== row.ended_at || addedModel || next.projectId !== row.project_id || next.transcriptPath !== row.transcript_path;
    if (changed) {
      this.stmts.updateSession.run({ ...next, models: JSON.stringify(models), now, id: row.id });
      if (next.projectId !== row.project_id) this.moveUsage(row.id, next.projectId);
      row = { ...row, title: next.title, cwd: next.cwd, started_at: next.startedAt, ended_at: next.endedAt, models: JSON.stringify(models), project_id: next.projectId, transcript_path: next.transcriptPath };
    }
    if (row.cwd && row.source !== 'launched') {
      const workspaceId = this.workspace(batch.source, row.cwd, row.project_id, row.transcript_path ?? batch.cursor.path, now);
      if (workspaceId !== row.workspace_id) {
        this.stmts.setSessionWorkspace.run(workspaceId, now, row.id);
        row = { ...row, workspace_id: workspaceId };
      }
    }
    return row;
  }

  /**
   * The workspace (one folder an IDE or agent worked in, per source) a session read from a file
   * belongs to: made on first sight, its project kept in step with the sessions' attribution.
   * `external_id` is the source's own name for it (the VS Code workspace storage folder, the
   * Claude Code project folder).
   */
  private workspace(source: string, folder: string, projectId: string | null, file: string, now: number): string {
    const found = this.stmts.findWorkspace.get(source, folder) as { id: string; projectId: string | null } | undefined;
    if (found) {
      if (projectId && found.projectId !== projectId) this.stmts.setWorkspaceProject.run(projectId, now, found.id);
      return found.id;
    }
    const id = newId();
    const dir = nodePath.dirname(file);
    const externalId = nodePath.basename(dir) === 'chatSessions' ? nodePath.basename(nodePath.dirname(dir)) : nodePath.basename(dir);
    this.stmts.insertWorkspace.run(id, now, now, projectId, source, externalId, folder);
    return id;
  }

  /** When a file read before was last changed (0 when it was never read). */
  private fileMtime(file: string): number {
    return (this.stmts.fileMtime.get(file) as { mtime: number } | undefined)?.mtime ?? 0;
  }

  /** Moves a session's usage records to `project` and their tokens in the rollup with them. */
  private moveUsage(sessionId: string, project: string | null): void {
    this.stmts.shiftDaily.run({ sign: -1, sessionId });
    this.stmts.setUsageProject.run(project ?? '', sessionId);
    this.stmts.shiftDaily.run({ sign: 1, sessionId });
    this.stmts.dropAllEmptyDaily.run();
  }

  /**
   * Rows an older Pitwall keyed by byte offset (`line-<offset>`, `codex:<session>@<offset>`): a rollout
   * read again would add them a second time under their real keys, so they go first (once per session).
   */
  private dropLegacyCodexRows(row: SessionRow): void {
    if (this.legacyChecked.has(row.id)) return;
    this.legacyChecked.add(row.id);
    // Every key that starts `codex:<id>@` ('A' is the character after '@').
    const usage = { from: `codex:${row.external_id ?? ''}@`, to: `codex:${row.external_id ?? ''}A` };
    if (!this.stmts.legacyCodex.get({ id: row.id, ...usage })) return;
    this.stmts.dropLegacyMessages.run(row.id);
    this.stmts.dropLegacyTools.run(row.id);
    for (const old of this.stmts.legacyCodexUsage.all(usage) as UsageRow[]) {
      this.stmts.deleteUsage.run(old.key);
      this.subtractDaily(old);
    }
  }

  private subtractDaily(old: UsageRow): void {
    this.stmts.addDaily.run({ ...old, input_tokens: -old.input_tokens, output_tokens: -old.output_tokens, cache_read_tokens: -old.cache_read_tokens, cache_write_tokens: -old.cache_write_tokens, responses: -1 });
    this.stmts.dropEmptyDaily.run(old);
  }

  /**
   * Whether a new sighting of a response replaces the one on record. Every rule compares the two
   * sightings themselves, never which was read first: the main conversation's over a side
   * conversation's copy, the most complete (`max`), the earliest, then the session whose id sorts first.
   */
  private wins(merge: ParsedUsage['merge'], next: UsageRow, old: UsageRow, externalId: string | null): boolean {
    if (merge === 'replace') return true;
    if (next.sidechain !== old.sidechain) return old.sidechain === 1;
    if (merge === 'max' && total(next) !== total(old)) return total(next) > total(old);
    if (old.at === null) return true;
    if (next.at !== old.at) return next.at! < old.at;
    if (next.session_id === old.session_id) return false;
    const other = (this.stmts.externalIdOf.get(old.session_id) as { external_id: string | null } | undefined)?.external_id ?? '';
    return (externalId ?? '') < other;
  }

  /** The statuses and the name (its first `called` row's) of each of the events' calls as the session has them. */
  private knownTools(sessionId: string, events: ParsedToolEvent[]): Map<string, { statuses: Set<string>; name: string | null }> {
    const known = new Map<string, { statuses: Set<string>; name: string | null }>();
    if (events.length === 0) return known;
    for (const t of events) if (!known.has(t.key)) known.set(t.key, { statuses: new Set(), name: null });
    for (const row of this.stmts.knownTools.all({ sessionId, keys: JSON.stringify([...known.keys()]) }) as { key: string; status: string; name: string }[]) {
      const call = known.get(row.key)!;
      call.statuses.add(row.status);
      if (row.status === 'called') call.name ??= row.name;
    }
    return known;
  }

  /**
   * A batch's sightings of each response folded into the one that counts. {@link wins} compares two
   * sightings, never their order, so folding first and then comparing with the record ends where
   * writing every sighting in turn would, with one read and at most one write per response.
   */
  private foldUsage(usage: ParsedUsage[], session: SessionRow, agentKind: string): Map<string, { merge: ParsedUsage['merge']; row: UsageRow }> {
    const folded = new Map<string, { merge: ParsedUsage['merge']; row: UsageRow }>();
    for (const u of usage) {
      const row = this.usageRow(u, session, agentKind);
      const seen = folded.get(u.key);
      if (!seen || this.wins(u.merge, row, seen.row, session.external_id)) folded.set(u.key, { merge: u.merge, row });
    }
    return folded;
  }

  /** The usage records of these keys that are already there. */
  private usageRecords(keys: string[]): Map<string, UsageRow> {
    if (keys.length === 0) return new Map();
    return new Map((this.stmts.usageOf.all(JSON.stringify(keys)) as UsageRow[]).map((r) => [r.key, r]));
  }

  private usageRow(u: ParsedUsage, session: SessionRow, agentKind: string): UsageRow {
    return {
      key: u.key,
      session_id: session.id,
      day: this.day(u.timestamp),
      at: u.timestamp,
      agent_kind: agentKind,
      model: normalizeModel(u.model),
      project_key: session.project_id ?? '',
      input_tokens: u.input,
      output_tokens: u.output,
      cache_read_tokens: u.cacheRead,
      cache_write_tokens: u.cacheWrite,
      sidechain: u.sidechain ? 1 : 0,
    };
  }

  private usage(merge: ParsedUsage['merge'], next: UsageRow, old: UsageRow | undefined, session: SessionRow, daily: Map<string, DailyChange>): void {
    if (old) {
      if (!this.wins(merge, next, old, session.external_id)) return;
      const same = (['session_id', 'day', 'at', 'model', 'project_key', 'sidechain', ...TOKEN_COLUMNS] as const).every((k) => old[k] === next[k]);
      if (same) return;
    }
    this.stmts.saveUsage.run(next);
    if (old) this.addToDaily(daily, old, -1);
    this.addToDaily(daily, next, 1);
  }

  /** Adds a record's tokens (sign 1) to, or takes them (sign -1) from, the batch's changes to the daily rollup. */
  private addToDaily(daily: Map<string, DailyChange>, u: UsageRow, sign: 1 | -1): void {
    const key = `${u.day}\u0000${u.agent_kind}\u0000${u.model}\u0000${u.project_key}`;
    let change = daily.get(key);
    if (!change) {
      change = { day: u.day, agent_kind: u.agent_kind, model: u.model, project_key: u.project_key, input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0, responses: 0, shrank: false };
      daily.set(key, change);
    }
    for (const column of TOKEN_COLUMNS) change[column] += sign * u[column];
    change.responses += sign;
    if (sign < 0) change.shrank = true;
  }

  /** Writes a batch's changes to the daily rollup: one statement per day, agent, model and project, not one per response. */
  private flushDaily(daily: Map<string, DailyChange>): void {
    for (const { shrank, ...change } of daily.values()) {
      this.stmts.addDaily.run(change);
      if (shrank) this.stmts.dropEmptyDaily.run(change);
    }
  }
}
