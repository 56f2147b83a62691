import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { ContentLevel } from '../src-common/sync/protocol';
import { MAX_TEXT_CHARS, isBlankContent, tableSpec, type ColumnSpec, type SyncTable } from '../src-common/sync/tables';
import { RESERVED, checkRow, type Rejection, type ValidRow } from './apply';

// Append-only rows (messages, tool calls: the bulk of every push) reach Postgres through COPY into
// a session-local staging table and one INSERT … SELECT from it. COPY's text format is far cheaper
// for Postgres to read than a JSON document, and the plain INSERT skips the speculative insertion
// of ON CONFLICT; only a batch that does collide (a row sent by a back-fill and the live stream,
// a row repeated) is applied again with ON CONFLICT DO NOTHING. COPY straight into the table is not
// possible: Postgres refuses COPY FROM into a table with row-level security.

const PG_TYPE: Record<ColumnSpec['type'], string> = { text: 'text', json: 'text', int: 'bigint', real: 'double precision', bool: 'boolean' };
const q = (name: string) => `"${name}"`;

const ESCAPE = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A value in COPY's text format. */
function copyText(value: string): string {
  return ESCAPE.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : value;
}

function copyValue(type: ColumnSpec['type'], value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  switch (type) {
    case 'text':
    case 'json':
      return copyText(value as string);
    case 'int':
    case 'real':
      return String(value);
    case 'bool':
      return value === true || value === 1 ? 't' : 'f';
  }
}

interface ColumnPlan {
  name: string;
  type: ColumnSpec['type'];
  required: boolean;
  content: boolean;
  /** Position of the value in a positional row (after its seq), or -1 when the row has none. */
  at: number;
}

/** How a positional stream's `columns` map onto a table, worked out once per layout. */
export interface PositionalPlan {
  columns: ColumnPlan[];
  /** Fields this server does not know: kept in `extra`. */
  unknown: { name: string; at: number }[];
  names: string[];
  keyAt: number;
}

const plans = new Map<string, PositionalPlan>();

/** The plan for a table's rows sent with these column names. */
export function positionalPlan(table: SyncTable, names: string[]): PositionalPlan {
  const cacheKey = `${table}\0${names.join('\0')}`;
  const cached = plans.get(cacheKey);
  if (cached) return cached;
  const spec = tableSpec(table);
  const index = new Map(names.map((n, i) => [n, i]));
  const columns = Object.entries(spec.columns).map(([name, col]) => ({
    name,
    type: col.type,
    required: Boolean(col.required) || name === spec.key,
    content: Boolean(col.content),
    at: index.get(name) ?? -1,
  }));
  const unknown = names.flatMap((name, at) => (name in spec.columns || RESERVED.has(name) ? [] : [{ name, at }]));
  const plan = { columns, unknown, names, keyAt: index.get(spec.key) ?? -1 };
  // Layouts are few (one per desktop version); a hostile client cannot grow the cache without bound.
  if (plans.size > 256) plans.clear();
  plans.set(cacheKey, plan);
  return plan;
}

function typeOk(type: ColumnSpec['type'], v: unknown): boolean {
  switch (type) {
    case 'text':
    case 'json':
      return typeof v === 'string' && v.length <= MAX_TEXT_CHARS;
    case 'int':
      return Number.isSafeInteger(v);
    case 'real':
      return typeof v === 'number' && Number.isFinite(v);
    case 'bool':
      return v === true || v === false || v === 0 || v === 1;
  }
}

/**
 * Checks a positional row `[seq, ...values]` and writes its COPY line. A row that fails is turned
 * into an object and checked again the slow way, for the reason recorded with the rejection.
 */
export function stagePositional(
  table: SyncTable,
  stream: string,
  seq: number,
  values: unknown[],
  plan: PositionalPlan,
  level: ContentLevel,
): { line: string } | { rejection: Rejection } {
  let ok = values.length === plan.names.length + 1;
  const key = ok && plan.keyAt >= 0 ? values[plan.keyAt + 1] : undefined;
  if (typeof key !== 'string' || key.length < 1 || key.length > 200) ok = false;
  // Parts joined once: a line built with += is a rope of dozens of pieces, costly to flatten and collect.
  const parts: string[] = [String(seq)];
  for (let c = 0; ok && c < plan.columns.length; c++) {
    const col = plan.columns[c]!;
    const v = col.at >= 0 ? values[col.at + 1] : undefined;
    if (v === null || v === undefined) {
      if (col.required) ok = false;
      parts.push('\\N');
      continue;
    }
    if (!typeOk(col.type, v) || (level === 'metadata' && col.content && !isBlankContent(v)) || (typeof v === 'string' && v.includes('\0'))) {
      ok = false;
      break;
    }
    parts.push(copyValue(col.type, v));
  }
  if (ok) {
    let extra: Record<string, unknown> | null = null;
    for (const u of plan.unknown) (extra ??= {})[u.name] = values[u.at + 1];
    const extraJson = extra ? JSON.stringify(extra) : null;
    if (!extraJson?.includes('\\u0000')) {
      parts.push(extraJson ? copyText(extraJson) : '\\N');
      return { line: parts.join('\t') + '\n' };
    }
  }
  const row: Record<string, unknown> = {};
  plan.names.forEach((name, i) => (row[name] = values[i + 1]));
  const checked = checkRow(table, stream, seq, row, level);
  if ('rejection' in checked) return checked;
  if (values.length !== plan.names.length + 1) {
    return { rejection: { stream, device_seq: seq, row_id: typeof key === 'string' ? key.slice(0, 200) : null, reason: `the row has ${values.length - 1} values for ${plan.names.length} columns`, row: JSON.stringify(values).slice(0, 65_536) } };
  }
  return { line: stagedLine(table, checked.row) };
}

/** The COPY line of a row that passed {@link checkRow} (rows sent as objects: protocol 1, stubs). */
export function stagedLine(table: SyncTable, row: ValidRow): string {
  const parts: string[] = [String(row.device_seq)];
  for (const [name, col] of Object.entries(tableSpec(table).columns)) parts.push(copyValue(col.type, row[name]));
  parts.push(row.extra ? copyText(JSON.stringify(row.extra)) : '\\N');
  return parts.join('\t') + '\n';
}

const stageSql = new Map<SyncTable, { create: string; copy: string; tombstones: string; insert: string }>();

function sqlFor(table: SyncTable) {
  let sql = stageSql.get(table);
  if (sql) return sql;
  const cols = Object.entries(tableSpec(table).columns);
  const stage = q(`pitwall_stage_${table}`);
  const names = cols.map(([n]) => q(n)).join(', ');
  sql = {
    // ON COMMIT DELETE ROWS: nothing staged outlives its transaction, so a connection shared by
    // several organisations (a transaction pooler) never shows one organisation's rows to another.
    create: `CREATE TEMP TABLE IF NOT EXISTS ${stage} (device_seq bigint, ${cols.map(([n, c]) => `${q(n)} ${PG_TYPE[c.type]}`).join(', ')}, extra jsonb) ON COMMIT DELETE ROWS`,
    copy: `COPY ${stage} (device_seq, ${names}, extra) FROM STDIN`,
    tombstones: `DELETE FROM ${stage} s USING sync_tombstones d WHERE d.org_id = $1::uuid AND d.tbl = '${table}' AND d.row_id = s.id`,
    insert: `INSERT INTO ${q(table)} (org_id, device_id, device_seq, ${names}, extra) SELECT $1::uuid, $2::uuid, device_seq, ${names}, extra FROM ${stage}`,
  };
  stageSql.set(table, sql);
  return sql;
}

/**
 * Applies staged lines of an append-only table: rows already present, or deleted on their device
 * (a tombstone), are skipped. Answers how many rows were inserted.
 */
export async function applyStaged(client: pg.PoolClient, orgId: string, deviceId: string, table: SyncTable, lines: string[]): Promise<number> {
  if (lines.length === 0) return 0;
  const sql = sqlFor(table);
  await client.query(sql.create);
  await pipeline(Readable.from(chunked(lines)), client.query(copyFrom(sql.copy)));
  await client.query(sql.tombstones, [orgId]);
  await client.query('SAVEPOINT pitwall_stage');
  try {
    const result = await client.query(sql.insert, [orgId, deviceId]);
    await client.query('RELEASE SAVEPOINT pitwall_stage');
    return result.rowCount ?? 0;
  } catch (error) {
    if ((error as { code?: string }).code !== '23505') throw error;
  }
  // A row that is there already: the whole batch again, skipping what exists.
  await client.query('ROLLBACK TO SAVEPOINT pitwall_stage');
  const result = await client.query(`${sql.insert} ON CONFLICT DO NOTHING`, [orgId, deviceId]);
  await client.query('RELEASE SAVEPOINT pitwall_stage');
  return result.rowCount ?? 0;
}

function* chunked(lines: string[]): Generator<Buffer> {
  for (let i = 0; i < lines.length; i += 1000) yield Buffer.from(lines.slice(i, i + 1000).join(''), 'utf8');
}
