import type BetterSqlite3 from 'better-sqlite3';
import { snapshotInsertSql } from '../../db/sync-triggers';
import { SESSION_CHILD_TABLES, inProject, inProjectParams, inScope } from '../../db/sync-scope';
import { newId } from '../../src-common/ids';
import { DELETES_STREAM, backfillStreamName, parseStreamName, type ContentLevel } from '../../src-common/sync/protocol';
import { SYNC_TABLES, SYNC_TABLE_NAMES, type SyncTable } from '../../src-common/sync/tables';
import type { Clock } from '../clock';

/** The enrolled team, as kept locally (the token never leaves the core). */
export interface TeamRow {
  serverUrl: string;
  orgId: string;
  orgName: string;
  deviceId: string;
  deviceToken: string;
  orgContentLevel: ContentLevel;
  contentLevel: ContentLevel;
  allowInsecureHttp: boolean;
  paused: boolean;
  removedAt: number | null;
  enrolledAt: number;
}

/** A stream's local cursor. */
export interface StreamState {
  stream: string;
  ackedSeq: number;
  upToSeq: number | null;
  lastSuccessAt: number | null;
}

/** A back-fill: rows that came into scope after they were written. */
export interface BackfillJob {
  id: number;
  scope: 'project' | 'session';
  key: string;
}

/** The server's answer for one stream, as the push loop hands it back. */
export interface StreamAck {
  stream: string;
  ackedSeq: number;
}

/** Streams whose rows come from `sync_outbox` (mutable tables and deletions). */
export function outboxTables(stream: string): string[] | null {
  const parsed = parseStreamName(stream);
  if (!parsed || parsed.backfill !== null) return null;
  if (parsed.table === DELETES_STREAM) return ['messages', 'tool_calls'];
  return SYNC_TABLES[parsed.table].kind === 'mutable' ? [parsed.table] : null;
}

const MUTABLE_TABLES = SYNC_TABLE_NAMES.filter((t) => SYNC_TABLES[t].kind === 'mutable');
const APPEND_TABLES = SYNC_TABLE_NAMES.filter((t) => SYNC_TABLES[t].kind === 'append');

/**
 * The sync service's own tables: the team, the projects turned on, the cursors, the back-fills and
 * the outbox. Every change that must be atomic (an ack and the outbox rows it releases, a project
 * turned on and its back-fill) is one transaction here.
 */
export class SyncStore {
  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    private readonly clock: Clock,
  ) {}

  team(): TeamRow | null {
    const row = this.sqlite
      .prepare(
        `SELECT server_url AS serverUrl, org_id AS orgId, org_name AS orgName, device_id AS deviceId, device_token AS deviceToken,
          org_content_level AS orgContentLevel, content_level AS contentLevel, allow_insecure_http AS allowInsecureHttp, paused,
          removed_at AS removedAt, enrolled_at AS enrolledAt FROM sync_team WHERE id = 1`,
      )
      .get() as (Omit<TeamRow, 'allowInsecureHttp' | 'paused'> & { allowInsecureHttp: number; paused: number }) | undefined;
    return row ? { ...row, allowInsecureHttp: row.allowInsecureHttp === 1, paused: row.paused === 1 } : null;
  }

  /**
   * Where the live append-only streams start for a new enrollment: the last rows written so far.
   * Older rows leave only through a back-fill, when their project is turned on.
   */
  startCursors(): StreamAck[] {
    return APPEND_TABLES.map((table) => ({ stream: table, ackedSeq: (this.sqlite.prepare(`SELECT coalesce(max(seq), 0) AS n FROM "${table}"`).get() as { n: number }).n }));
  }

  /** Stores a new enrollment and the cursors the server was told; whatever an earlier team left is cleared first. */
  enroll(team: Omit<TeamRow, 'removedAt' | 'paused'>, cursors: StreamAck[]): void {
    this.sqlite.transaction(() => {
      this.clearAll();
      for (const c of cursors) this.sqlite.prepare(`INSERT INTO sync_state (stream, acked_seq) VALUES (?, ?)`).run(c.stream, c.ackedSeq);
      this.sqlite
        .prepare(
          `INSERT INTO sync_team (id, server_url, org_id, org_name, device_id, device_token, org_content_level, content_level, allow_insecure_http, paused, enrolled_at)
           VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`,
        )
        .run(team.serverUrl, team.orgId, team.orgName, team.deviceId, team.deviceToken, team.orgContentLevel, team.contentLevel, team.allowInsecureHttp ? 1 : 0, team.enrolledAt);
    }).immediate();
  }

  updateTeam(changes: Partial<Pick<TeamRow, 'contentLevel' | 'orgContentLevel' | 'paused' | 'allowInsecureHttp' | 'removedAt'>>): void {
    const columns: Record<string, string> = {
      contentLevel: 'content_level',
      orgContentLevel: 'org_content_level',
      paused: 'paused',
      allowInsecureHttp: 'allow_insecure_http',
      removedAt: 'removed_at',
    };
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) continue;
      this.sqlite.prepare(`UPDATE sync_team SET ${columns[key]} = ? WHERE id = 1`).run(typeof value === 'boolean' ? (value ? 1 : 0) : value);
    }
  }

  /**
   * The server removed this device: nothing it holds will ever be accepted, so the outbox and the
   * back-fills are dropped now, and the scope (see db/sync-scope.ts) keeps new rows out.
   */
  markRemoved(at: number): void {
    this.sqlite.transaction(() => {
      this.sqlite.prepare(`UPDATE sync_team SET removed_at = ? WHERE id = 1`).run(at);
      this.sqlite.exec(`DELETE FROM sync_outbox; DELETE FROM sync_backfills; DELETE FROM sync_state WHERE up_to_seq IS NOT NULL`);
    }).immediate();
  }

  /** Forgets the team and everything waiting for it: nothing accumulates while no team is configured. */
  leave(): void {
    this.sqlite.transaction(() => this.clearAll()).immediate();
  }

  private clearAll(): void {
    for (const table of ['sync_team', 'sync_projects', 'sync_backfills', 'sync_state', 'sync_outbox']) this.sqlite.exec(`DELETE FROM ${table}`);
  }

  projectIds(): string[] {
    return (this.sqlite.prepare(`SELECT project_id AS id FROM sync_projects ORDER BY enabled_at`).all() as { id: string }[]).map((r) => r.id);
  }

  /**
   * Turns a project on or off. Turning it on queues a back-fill of its rows (written before it was
   * on, so the triggers skipped them); off stops its rows from leaving, including those queued.
   */
  setProject(projectId: string, enabled: boolean): void {
    this.sqlite.transaction(() => {
      if (enabled) {
        const added = this.sqlite.prepare(`INSERT OR IGNORE INTO sync_projects (project_id, enabled_at) VALUES (?, ?)`).run(projectId, this.clock());
        if (added.changes > 0) this.sqlite.prepare(`INSERT INTO sync_backfills (scope, key, created_at) VALUES ('project', ?, ?)`).run(projectId, this.clock());
      } else {
        this.sqlite.prepare(`DELETE FROM sync_projects WHERE project_id = ?`).run(projectId);
      }
    }).immediate();
    // The jobs are started at once, so the outbox holds the project's rows before this returns.
    this.startBackfills();
  }

  /** Back-fills queued (by turning a project on, or by a session joining one) and not started yet. */
  pendingBackfills(): BackfillJob[] {
    return this.sqlite.prepare(`SELECT id, scope, key FROM sync_backfills WHERE started_at IS NULL ORDER BY id`).all() as BackfillJob[];
  }

  backfill(id: number): BackfillJob | null {
    return (this.sqlite.prepare(`SELECT id, scope, key FROM sync_backfills WHERE id = ?`).get(id) as BackfillJob | undefined) ?? null;
  }

  /**
   * Starts queued back-fills. Mutable rows are few: their current snapshots are copied into the
   * outbox and follow the live streams. Append-only tables can hold millions of rows and are their
   * own log, so each gets a stream of its own, `<table>~<job>`, a cursor over the table's `seq` up
   * to the last row written when the job started (every later row is sent by the live stream,
   * which checks the scope when it builds a batch).
   */
  startBackfills(): number {
    const jobs = this.pendingBackfills();
    if (jobs.length === 0) return 0;
    this.sqlite.transaction(() => {
      for (const job of jobs) {
        for (const table of MUTABLE_TABLES) {
          const where = job.scope === 'project' ? inProject(table, 'x') : SESSION_CHILD_TABLES.includes(table) ? `x.session_id = ? AND ${inScope(table, 'x')}` : null;
          if (!where) continue;
          const sql = snapshotInsertSql(this.sqlite, table, `${where} AND ${inScope(table, 'x')}`);
          if (!sql) continue;
          const params = job.scope === 'project' ? Array<string>(inProjectParams(table)).fill(job.key) : [job.key];
          this.sqlite.prepare(sql).run(...params);
        }
        for (const table of APPEND_TABLES) {
          // A session's back-fill covers the tables keyed by session (events are found through their project).
          if (job.scope === 'session' && !SESSION_CHILD_TABLES.includes(table)) continue;
          const max = (this.sqlite.prepare(`SELECT coalesce(max(seq), 0) AS n FROM "${table}"`).get() as { n: number }).n;
          if (max === 0) continue;
          this.sqlite.prepare(`INSERT OR REPLACE INTO sync_state (stream, acked_seq, up_to_seq) VALUES (?, 0, ?)`).run(backfillStreamName(table, job.id), max);
        }
        this.sqlite.prepare(`UPDATE sync_backfills SET started_at = ? WHERE id = ?`).run(this.clock(), job.id);
      }
    }).immediate();
    return jobs.length;
  }

  /** Every known stream's cursor. */
  streams(): StreamState[] {
    return this.sqlite.prepare(`SELECT stream, acked_seq AS ackedSeq, up_to_seq AS upToSeq, last_success_at AS lastSuccessAt FROM sync_state ORDER BY stream`).all() as StreamState[];
  }

  cursor(stream: string): number {
    return (this.sqlite.prepare(`SELECT acked_seq AS n FROM sync_state WHERE stream = ?`).get(stream) as { n: number } | undefined)?.n ?? 0;
  }

  /**
   * Moves the local cursors to what the server acknowledged and, in the same transaction, deletes
   * the outbox rows they cover and closes finished back-fills.
   */
  ack(acks: StreamAck[]): void {
    const now = this.clock();
    this.sqlite.transaction(() => {
      for (const { stream, ackedSeq } of acks) {
        this.sqlite
          .prepare(
            `INSERT INTO sync_state (stream, acked_seq, last_success_at) VALUES (?, ?, ?)
             ON CONFLICT(stream) DO UPDATE SET acked_seq = max(sync_state.acked_seq, excluded.acked_seq), last_success_at = excluded.last_success_at, last_error = NULL`,
          )
          .run(stream, ackedSeq, now);
        const tables = outboxTables(stream);
        if (tables) this.sqlite.prepare(`DELETE FROM sync_outbox WHERE tbl IN (${tables.map(() => '?').join(', ')}) AND seq <= ?`).run(...tables, ackedSeq);
        this.sqlite.prepare(`DELETE FROM sync_state WHERE stream = ? AND up_to_seq IS NOT NULL AND acked_seq >= up_to_seq`).run(stream);
      }
      this.finishBackfills();
    }).immediate();
  }

  /** Closes back-fill streams with nothing left to send (no need to tell the server: they are never used again). */
  closeBackfillStreams(streams: string[]): void {
    if (streams.length === 0) return;
    this.sqlite.transaction(() => {
      for (const stream of streams) this.sqlite.prepare(`DELETE FROM sync_state WHERE stream = ? AND up_to_seq IS NOT NULL`).run(stream);
      this.finishBackfills();
    }).immediate();
  }

  private finishBackfills(): void {
    this.sqlite.exec(`DELETE FROM sync_backfills WHERE started_at IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM sync_state WHERE sync_state.stream LIKE '%~' || sync_backfills.id)`);
  }

  /**
   * The server knows less than this device thought (its database was restored): rewind to its
   * cursors. Append-only rows are still in their tables and are sent again; the outbox rows were
   * deleted when they were acknowledged, so the mutable rows of every synced project are copied
   * into the outbox again.
   */
  rewind(cursors: StreamAck[]): void {
    this.sqlite.transaction(() => {
      for (const { stream, ackedSeq } of cursors) this.sqlite.prepare(`UPDATE sync_state SET acked_seq = ? WHERE stream = ? AND acked_seq > ?`).run(ackedSeq, stream, ackedSeq);
      if (cursors.some((c) => outboxTables(c.stream))) {
        for (const projectId of this.projectIds()) this.sqlite.prepare(`INSERT INTO sync_backfills (scope, key, created_at) VALUES ('project', ?, ?)`).run(projectId, this.clock());
      }
    }).immediate();
    this.startBackfills();
  }

  recordError(message: string): void {
    this.sqlite.prepare(`UPDATE sync_state SET last_error = ?`).run(message);
  }

  /** This machine's row in `machines` (made once, refreshed when the host name changes). */
  ensureLocalMachine(hostname: string, platform: string): string {
    const row = this.sqlite.prepare(`SELECT id, hostname, platform, version FROM machines WHERE is_local = 1 AND deleted_at IS NULL ORDER BY created_at LIMIT 1`).get() as
      | { id: string; hostname: string; platform: string; version: number }
      | undefined;
    const now = this.clock();
    if (!row) {
      const id = newId();
      this.sqlite.prepare(`INSERT INTO machines (id, created_at, updated_at, hostname, platform, is_local) VALUES (?, ?, ?, ?, ?, 1)`).run(id, now, now, hostname, platform);
      return id;
    }
    if (row.hostname !== hostname || row.platform !== platform) {
      this.sqlite.prepare(`UPDATE machines SET hostname = ?, platform = ?, updated_at = ?, version = version + 1 WHERE id = ?`).run(hostname, platform, now, row.id);
    }
    return row.id;
  }

  /** Rows waiting, and when the oldest was written: outbox rows and append-only rows past their cursors. */
  backlog(): { queueDepth: number; oldestPendingAt: number | null; backfillPending: number; streams: { stream: string; ackedSeq: number; pending: number }[] } {
    const streams: { stream: string; ackedSeq: number; pending: number }[] = [];
    let oldest: number | null = null;
    const older = (at: number | null | undefined) => {
      if (at != null && (oldest === null || at < oldest)) oldest = at;
    };
    const outbox = this.sqlite.prepare(`SELECT tbl, count(*) AS n, min(created_at) AS oldest FROM sync_outbox GROUP BY tbl`).all() as { tbl: string; n: number; oldest: number }[];
    let queueDepth = 0;
    const states = new Map(this.streams().map((s) => [s.stream, s]));
    for (const table of MUTABLE_TABLES) {
      const row = outbox.find((o) => o.tbl === table);
      streams.push({ stream: table, ackedSeq: states.get(table)?.ackedSeq ?? 0, pending: row?.n ?? 0 });
      queueDepth += row?.n ?? 0;
      older(row?.oldest);
    }
    for (const table of APPEND_TABLES) {
      const acked = states.get(table)?.ackedSeq ?? 0;
      const pending = this.pendingIn(table, acked, null);
      streams.push({ stream: table, ackedSeq: acked, pending });
      queueDepth += pending;
      if (pending > 0) older((this.sqlite.prepare(`SELECT created_at AS at FROM "${table}" WHERE seq > ? ORDER BY seq LIMIT 1`).get(acked) as { at: number } | undefined)?.at);
    }
    const deletes = outbox.filter((o) => o.tbl === 'messages' || o.tbl === 'tool_calls');
    const deletesPending = deletes.reduce((n, o) => n + o.n, 0);
    streams.push({ stream: DELETES_STREAM, ackedSeq: states.get(DELETES_STREAM)?.ackedSeq ?? 0, pending: deletesPending });
    queueDepth += deletesPending;
    for (const o of deletes) older(o.oldest);
    let backfillPending = 0;
    for (const state of states.values()) {
      if (state.upToSeq === null) continue;
      const table = parseStreamName(state.stream)?.table as SyncTable | undefined;
      if (!table) continue;
      const n = this.pendingIn(table, state.ackedSeq, state.upToSeq);
      streams.push({ stream: state.stream, ackedSeq: state.ackedSeq, pending: n });
      backfillPending += n;
    }
    return { queueDepth: queueDepth + backfillPending, oldestPendingAt: oldest, backfillPending, streams };
  }

  /**
   * Rows of an append-only table after `acked` (up to `upTo`). Status is read several times a
   * second during a catch-up, so a long backlog is estimated from the `seq` range (rows deleted
   * since make it an upper bound) instead of counted; near the end it is counted exactly.
   */
  private pendingIn(table: SyncTable, acked: number, upTo: number | null): number {
    const last = upTo ?? (this.sqlite.prepare(`SELECT coalesce(max(seq), 0) AS n FROM "${table}"`).get() as { n: number }).n;
    if (last - acked > 10_000) return last - acked;
    if (last <= acked) return 0;
    return (this.sqlite.prepare(`SELECT count(*) AS n FROM "${table}" WHERE seq > ? AND seq <= ?`).get(acked, last) as { n: number }).n;
  }
}
