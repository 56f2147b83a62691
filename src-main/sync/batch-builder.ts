import type BetterSqlite3 from 'better-sqlite3';
import { inScope, projectOf } from '../../db/sync-scope';
import {
  BATCH_MAX_BYTES,
  BATCH_MAX_ROWS,
  DELETES_STREAM,
  MAX_ROW_BYTES,
  PROTOCOL_VERSION,
  SYNC_SCHEMA_VERSION,
  parseStreamName,
  type ContentLevel,
} from '../../src-common/sync/protocol';
import { SYNC_TABLES, SYNC_TABLE_NAMES, blankContent, tableSpec, type ColumnSpec, type SyncTable } from '../../src-common/sync/tables';
import type { StreamState, SyncStore } from './sync-store';

/** One stream's part of a built batch. */
export interface BuiltStream {
  stream: string;
  fromSeq: number;
  toSeq: number;
  rows: number;
}

/** A push ready to send: its JSON body, and what it covers. */
export interface BuiltBatch {
  body: string;
  streams: BuiltStream[];
  rows: number;
  /** True when a limit cut it short: more rows are waiting. */
  more: boolean;
}

/** Limits of one batch (tests and the benchmark change them). */
export interface BatchLimits {
  maxRows: number;
  maxBytes: number;
}

interface Budget {
  rows: number;
  bytes: number;
  full: boolean;
}

const MUTABLE = SYNC_TABLE_NAMES.filter((t) => SYNC_TABLES[t].kind === 'mutable');
const APPEND = SYNC_TABLE_NAMES.filter((t) => SYNC_TABLES[t].kind === 'append');

/**
 * Cuts the next push from the local tables: each stream's range starts right after its cursor,
 * rows outside the team's scope are left out (the range still covers them, so the cursor moves
 * past them), the content level is applied here and not in the triggers, and the body is written
 * as one string so a large batch is serialized once.
 */
export class BatchBuilder {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  private readonly jsonSql = new Map<string, { sql: string; columns: string[] }>();
  /**
   * Append-only rows go out positionally (protocol 2); false after a server answered that it
   * speaks only protocol 1, until the service is made again.
   */
  positional = true;

  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    private readonly store: SyncStore,
    private readonly limits: BatchLimits = { maxRows: BATCH_MAX_ROWS, maxBytes: BATCH_MAX_BYTES },
  ) {}

  private stmt(sql: string): BetterSqlite3.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.sqlite.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /**
   * The next batch, or null when nothing waits. `exhaustedBackfills` lists back-fill streams with
   * nothing left to send; the caller closes them locally. `after` builds the batch that follows
   * one still in flight: its streams start after that batch's ranges, as if it were acknowledged.
   */
  build(deviceId: string, level: ContentLevel, sentAt: number, after?: BuiltBatch): { batch: BuiltBatch | null; exhaustedBackfills: string[] } {
    const budget: Budget = { rows: this.limits.maxRows, bytes: this.limits.maxBytes, full: false };
    const parts: string[] = [];
    const streams: BuiltStream[] = [];
    const exhausted: string[] = [];
    const states = new Map(this.store.streams().map((s) => [s.stream, s]));
    for (const s of after?.streams ?? []) {
      const state = states.get(s.stream);
      if (state) state.ackedSeq = Math.max(state.ackedSeq, s.toSeq);
      else states.set(s.stream, { stream: s.stream, ackedSeq: s.toSeq, upToSeq: null, lastSuccessAt: null });
    }
    const add = (stream: string, fromSeq: number, toSeq: number, rows: string[], columns?: string) => {
      parts.push(`{"stream":${JSON.stringify(stream)},"fromSeq":${fromSeq},"toSeq":${toSeq},${columns ? `"columns":${columns},` : ''}"rows":[${rows.join(',')}]}`);
      streams.push({ stream, fromSeq, toSeq, rows: rows.length });
    };

    for (const table of MUTABLE) {
      if (budget.full) break;
      const part = this.outboxStream(table, [table], states.get(table)?.ackedSeq ?? 0, level, budget);
      if (part) add(table, part.fromSeq, part.toSeq, part.rows);
    }
    for (const table of APPEND) {
      if (budget.full) break;
      const part = this.appendStream(table, states.get(table)?.ackedSeq ?? 0, null, null, level, budget);
      if (part) add(table, part.fromSeq, part.toSeq, part.rows, part.columns);
    }
    for (const state of states.values()) {
      if (budget.full) break;
      if (state.upToSeq === null) continue;
      const parsed = parseStreamName(state.stream);
      if (!parsed || parsed.backfill === null || parsed.table === DELETES_STREAM) continue;
      const job = this.store.backfill(parsed.backfill);
      const part = job ? this.appendStream(parsed.table, state.ackedSeq, state, job, level, budget) : null;
      if (part && part.rows.length > 0) add(state.stream, part.fromSeq, part.toSeq, part.rows, part.columns);
      else if (!budget.full) exhausted.push(state.stream);
    }
    if (!budget.full) {
      const acked = states.get(DELETES_STREAM)?.ackedSeq ?? 0;
      const part = this.outboxStream(DELETES_STREAM, ['messages', 'tool_calls'], acked, level, budget);
      if (part) add(DELETES_STREAM, part.fromSeq, part.toSeq, part.rows);
    }
    if (streams.length === 0) return { batch: null, exhaustedBackfills: exhausted };
    const body = `{"protocolVersion":${this.positional ? PROTOCOL_VERSION : 1},"schemaVersion":${SYNC_SCHEMA_VERSION},"deviceId":${JSON.stringify(deviceId)},"sentAt":${sentAt},"streams":[${parts.join(',')}]}`;
    return {
      batch: { body, streams, rows: streams.reduce((n, s) => n + s.rows, 0), more: budget.full },
      exhaustedBackfills: exhausted,
    };
  }

  /** Rows of the outbox for one stream; a row updated several times in the range is sent once, as it was last. */
  private outboxStream(stream: string, tables: string[], acked: number, level: ContentLevel, budget: Budget) {
    const isDeletes = stream === DELETES_STREAM;
    const scope = isDeletes ? '1' : `(SELECT 1 FROM "${stream}" x WHERE x."${SYNC_TABLES[stream as SyncTable].key}" = o.row_id AND ${inScope(stream as SyncTable, 'x')})`;
    const rows = this.stmt(
      `SELECT o.seq, o.row_id AS rowId, o.row_json AS json, ${scope} AS inScope FROM sync_outbox o
       WHERE o.tbl IN (${tables.map((t) => `'${t}'`).join(', ')}) AND o.seq > ? ORDER BY o.seq LIMIT ?`,
    ).all(acked, budget.rows) as { seq: number; rowId: string; json: string; inScope: number | null }[];
    if (rows.length === 0) return null;
    if (rows.length >= budget.rows) budget.full = true;
    const last = new Map<string, number>();
    rows.forEach((r, n) => last.set(r.rowId, n));
    const out: string[] = [];
    let toSeq = rows[rows.length - 1]!.seq;
    for (let n = 0; n < rows.length; n++) {
      const r = rows[n]!;
      if (last.get(r.rowId) !== n || r.inScope !== 1) continue;
      let json = r.json;
      if (!isDeletes && level === 'metadata') json = JSON.stringify(blank(stream as SyncTable, JSON.parse(json) as Record<string, unknown>));
      const wire = json.length > MAX_ROW_BYTES ? oversized(stream as SyncTable, r.rowId, json.length, r.seq) : `{"seq":${r.seq},"op":"${isDeletes ? 'delete' : 'upsert'}","row":${json}}`;
      if (out.length > 0 && wire.length > budget.bytes) {
        // The rest waits for the next batch; the range ends before this row.
        toSeq = rows[n - 1]!.seq;
        budget.full = true;
        break;
      }
      out.push(wire);
      budget.bytes -= wire.length;
      budget.rows -= 1;
    }
    budget.rows -= rows.length - out.length;
    if (budget.rows <= 0) budget.full = true;
    return { fromSeq: acked + 1, toSeq, rows: out };
  }

  /**
   * Rows of an append-only table after `acked`: the live stream (every row, scope checked per row)
   * or a back-fill (the job's rows up to where it began).
   */
  private appendStream(
    table: SyncTable,
    acked: number,
    state: StreamState | null,
    job: { scope: 'project' | 'session'; key: string } | null,
    level: ContentLevel,
    budget: Budget,
  ) {
    const { sql: json, columns } = this.jsonOf(table, level);
    const keyAt = columns.indexOf(tableSpec(table).key);
    let query: BetterSqlite3.Statement;
    let params: unknown[];
    if (!job) {
      query = this.stmt(`SELECT m.seq, ${inScope(table, 'm')} AS i, ${json} AS j FROM "${table}" m WHERE m.seq > ? ORDER BY m.seq LIMIT ?`);
      params = [acked, budget.rows];
    } else if (job.scope === 'project') {
      query = this.stmt(
        `SELECT m.seq, 1 AS i, ${json} AS j FROM "${table}" m WHERE m.seq > ? AND m.seq <= ? AND ${projectOf(table, 'm')} = ? AND ? IN (SELECT project_id FROM sync_projects) ORDER BY m.seq LIMIT ?`,
      );
      params = [acked, state!.upToSeq, job.key, job.key, budget.rows];
    } else {
      query = this.stmt(`SELECT m.seq, 1 AS i, ${json} AS j FROM "${table}" m WHERE m.session_id = ? AND m.seq > ? AND m.seq <= ? AND ${inScope(table, 'm')} ORDER BY m.seq LIMIT ?`);
      params = [job.key, acked, state!.upToSeq, budget.rows];
    }
    // SQLite writes each row's JSON itself (json_array or json_object): far cheaper than objects
    // built and stringified here.
    const rows = query.raw().all(...params) as [number, number | null, string][];
    const out: string[] = [];
    let toSeq = acked;
    let scanned = 0;
    let cut = false;
    for (const [seq, inScopeNow, rowJson] of rows) {
      if (inScopeNow === 1) {
        let wire: string;
        if (rowJson.length > MAX_ROW_BYTES) {
          const parsed = JSON.parse(rowJson) as unknown[] | Record<string, unknown>;
          wire = oversized(table, String(Array.isArray(parsed) ? parsed[keyAt + 1] : parsed[tableSpec(table).key]), rowJson.length, seq);
        } else wire = this.positional ? rowJson : `{"seq":${seq},"row":${rowJson}}`;
        if (out.length > 0 && wire.length > budget.bytes) {
          cut = true;
          break;
        }
        out.push(wire);
        budget.bytes -= wire.length;
      }
      scanned++;
      toSeq = seq;
    }
    budget.rows -= scanned;
    if (cut || budget.rows <= 0) budget.full = true;
    if (scanned === 0) return null;
    // A back-fill that read everything it had closes its range at its end.
    if (state && !cut && rows.length < (params[params.length - 1] as number)) toSeq = state.upToSeq!;
    return { fromSeq: acked + 1, toSeq, rows: out, columns: this.positional ? JSON.stringify(columns) : undefined };
  }

  /**
   * The SQL that writes an append-only row's live columns (not its local `seq`), content blanked
   * for a metadata-only team: `json_array(seq, ...values)` in the order of `columns` (protocol 2),
   * or `json_object(...)`.
   */
  private jsonOf(table: SyncTable, level: ContentLevel): { sql: string; columns: string[] } {
    const key = `${table}:${level}:${this.positional}`;
    let sql = this.jsonSql.get(key);
    if (!sql) {
      const cols = (this.sqlite.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((c) => c.name).filter((c) => c !== 'seq');
      const spec = tableSpec(table).columns as Record<string, ColumnSpec>;
      const value = (c: string) => {
        const col = spec[c];
        if (level !== 'metadata' || !col?.content) return `m."${c}"`;
        const blank = blankContent(col);
        return blank === null ? 'NULL' : `'${blank}'`;
      };
      sql = {
        sql: this.positional ? `json_array(m.seq, ${cols.map(value).join(', ')})` : `json_object(${cols.map((c) => `'${c}', ${value(c)}`).join(', ')})`,
        columns: cols,
      };
      this.jsonSql.set(key, sql);
    }
    return sql;
  }
}

/** Blanks a row's content columns in place (metadata-only teams). */
function blank(table: SyncTable, row: Record<string, unknown>): Record<string, unknown> {
  for (const [name, spec] of Object.entries(tableSpec(table).columns)) if (spec.content && name in row) row[name] = blankContent(spec);
  return row;
}

/** A stub for a row too large to send: the server records it as rejected, and the stream moves on. */
function oversized(table: SyncTable, id: string, bytes: number, seq: number): string {
  return `{"seq":${seq},"row":${JSON.stringify({ [tableSpec(table).key]: id, __oversized: bytes })}}`;
}
