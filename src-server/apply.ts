import type pg from 'pg';
import { formatZodError } from '../src-common/format-zod-error';
import { deleteRowSchema, type ContentLevel } from '../src-common/sync/protocol';
import { ROW_SCHEMAS, SYNC_TABLE_NAMES, compileRowCheck, isBlankContent, tableSpec, type ColumnSpec, type SyncTable } from '../src-common/sync/tables';

// Turns validated rows into one statement per table per batch: the rows travel as one JSON
// parameter that Postgres unpacks with json_to_recordset (not thousands of bind parameters).

/** Columns the server owns: a row that names them has them ignored (the org comes from the token). */
export const RESERVED = new Set(['org_id', 'device_id', 'device_seq', 'received_at', 'extra']);

const PG_TYPE: Record<ColumnSpec['type'], string> = { text: 'text', json: 'text', int: 'bigint', real: 'double precision', bool: 'boolean' };

const q = (name: string) => `"${name}"`;

/** A row that passed validation, ready for the table's statement. */
export type ValidRow = Record<string, unknown>;

/** A row that did not, with why. */
export interface Rejection {
  stream: string;
  device_seq: number;
  row_id: string | null;
  reason: string;
  row: string;
}

const checks = Object.fromEntries(SYNC_TABLE_NAMES.map((t) => [t, compileRowCheck(t)])) as Record<SyncTable, (row: Record<string, unknown>) => boolean>;
const columnNames = Object.fromEntries(SYNC_TABLE_NAMES.map((t) => [t, Object.keys(tableSpec(t).columns)])) as Record<SyncTable, string[]>;
const columnSets = Object.fromEntries(SYNC_TABLE_NAMES.map((t) => [t, new Set(columnNames[t])])) as Record<SyncTable, Set<string>>;
const contentColumns = Object.fromEntries(
  SYNC_TABLE_NAMES.map((t) => [t, Object.entries(tableSpec(t).columns).filter(([, c]) => c.content).map(([n]) => n)]),
) as Record<SyncTable, string[]>;

function cut(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 65_536 ? `${text.slice(0, 65_536)}…` : text;
}

/**
 * Checks one row of a table's stream. Valid rows come back with only the known columns (booleans
 * as booleans) and the fields this server does not know in `extra`; invalid ones as a rejection.
 */
export function checkRow(table: SyncTable, stream: string, seq: number, raw: unknown, level: ContentLevel): { row: ValidRow } | { rejection: Rejection } {
  const rowId = (r: unknown): string | null => {
    const k = (r as Record<string, unknown> | null)?.[tableSpec(table).key];
    return typeof k === 'string' ? k.slice(0, 200).replace(/\0/g, '') : null;
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { rejection: { stream, device_seq: seq, row_id: null, reason: 'the row is not an object', row: cut(raw) } };
  }
  const input = raw as Record<string, unknown>;
  if (!checks[table](input)) {
    const parsed = ROW_SCHEMAS[table].safeParse(input);
    const reason = '__oversized' in input ? `the row was ${String(input.__oversized)} bytes, more than a row may be` : parsed.success ? 'invalid row' : formatZodError(parsed.error);
    return { rejection: { stream, device_seq: seq, row_id: rowId(input), reason, row: cut(input) } };
  }
  if (level === 'metadata') {
    const filled = contentColumns[table].find((c) => !isBlankContent(input[c]));
    if (filled) {
      return { rejection: { stream, device_seq: seq, row_id: rowId(input), reason: `this team keeps metadata only: ${filled} must be empty`, row: cut({ ...input, [filled]: '(withheld)' }) } };
    }
  }
  // The row goes to Postgres as received: json_to_recordset reads only the columns it is told
  // (0/1 are valid booleans there), so no copy is made; unknown fields are gathered into `extra`.
  let extra: Record<string, unknown> | null = null;
  const known = columnSets[table];
  for (const key in input) {
    if (known.has(key) || RESERVED.has(key)) continue;
    (extra ??= {})[key] = input[key];
  }
  // Postgres text and jsonb cannot hold a NUL character: such a row would fail the whole push on
  // every retry and block its stream, so it is rejected here like any other poison row.
  const nul = columnNames[table].find((c) => typeof input[c] === 'string' && (input[c] as string).includes('\0'));
  if (nul || (extra && JSON.stringify(extra).includes('\\u0000'))) {
    return { rejection: { stream, device_seq: seq, row_id: rowId(input), reason: `${nul ?? 'an unknown field'} holds a NUL character, which Postgres cannot store`, row: cut(input) } };
  }
  input.device_seq = seq;
  input.extra = extra;
  return { row: input };
}

/** Checks a row of the `deletes` stream. */
export function checkDelete(stream: string, seq: number, raw: unknown): { row: ValidRow } | { rejection: Rejection } {
  const parsed = deleteRowSchema.safeParse(raw);
  if (!parsed.success) return { rejection: { stream, device_seq: seq, row_id: null, reason: formatZodError(parsed.error), row: cut(raw) } };
  return { row: { device_seq: seq, tbl: parsed.data.tbl, id: parsed.data.id } };
}

const statements = new Map<SyncTable, string>();

/**
 * The statement that applies a batch of one table: append-only rows are inserted unless present
 * (or deleted on their device); mutable rows replace the stored one only when they are newer
 * (version, then position in the device's log), and only the device that made a row may change it.
 */
export function applySql(table: SyncTable): string {
  const cached = statements.get(table);
  if (cached) return cached;
  const spec = tableSpec(table);
  const cols = columnNames[table];
  const recordset = ['device_seq bigint', ...cols.map((c) => `${q(c)} ${PG_TYPE[(spec.columns[c] as ColumnSpec).type]}`), 'extra jsonb'].join(', ');
  const insertCols = ['org_id', 'device_id', 'device_seq', ...cols.map(q), 'extra'].join(', ');
  const select = ['$1::uuid', '$2::uuid', 'r.device_seq', ...cols.map((c) => `r.${q(c)}`), 'r.extra'].join(', ');
  let sql = `INSERT INTO ${q(table)} AS t (${insertCols}) SELECT ${select} FROM json_to_recordset($3::json) AS r(${recordset})`;
  if (spec.kind === 'append') {
    sql += ` WHERE NOT EXISTS (SELECT 1 FROM sync_tombstones d WHERE d.org_id = $1::uuid AND d.tbl = '${table}' AND d.row_id = r.id) ON CONFLICT DO NOTHING`;
  } else {
    const conflict = spec.key === 'key' ? 'org_id, device_id, key' : 'org_id, id';
    const set = [...cols.filter((c) => c !== spec.key).map((c) => `${q(c)} = EXCLUDED.${q(c)}`), 'device_seq = EXCLUDED.device_seq', 'extra = EXCLUDED.extra', 'received_at = now()'].join(', ');
    const version = 'version' in spec.columns ? 't.version' : '0';
    const newVersion = 'version' in spec.columns ? 'EXCLUDED.version' : '0';
    sql += ` ON CONFLICT (${conflict}) DO UPDATE SET ${set} WHERE t.device_id = EXCLUDED.device_id AND (${version}, t.device_seq) < (${newVersion}, EXCLUDED.device_seq)`;
  }
  statements.set(table, sql);
  return sql;
}

/** Applies a table's valid rows: one statement. Answers how many rows changed. */
export async function applyRows(client: pg.PoolClient, orgId: string, deviceId: string, table: SyncTable, rows: ValidRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  // A row repeated in one batch would make ON CONFLICT DO UPDATE touch it twice: keep its last.
  const key = tableSpec(table).key;
  const last = new Map<unknown, ValidRow>();
  for (const row of rows) last.set(row[key], row);
  const unique = last.size === rows.length ? rows : [...last.values()];
  const result = await client.query(applySql(table), [orgId, deviceId, JSON.stringify(unique)]);
  return result.rowCount ?? 0;
}

/** Applies deletions of append-only rows: tombstones first, so a late insert of one cannot bring it back. */
export async function applyDeletes(client: pg.PoolClient, orgId: string, deviceId: string, rows: ValidRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const json = JSON.stringify(rows);
  await client.query(
    `INSERT INTO sync_tombstones (org_id, tbl, row_id, device_id) SELECT $1::uuid, r.tbl, r.id, $2::uuid FROM json_to_recordset($3::json) AS r(tbl text, id text) ON CONFLICT DO NOTHING`,
    [orgId, deviceId, json],
  );
  let deleted = 0;
  for (const table of ['messages', 'tool_calls'] as const) {
    const result = await client.query(
      `DELETE FROM ${q(table)} t USING json_to_recordset($3::json) AS r(tbl text, id text) WHERE t.org_id = $1::uuid AND t.device_id = $2::uuid AND r.tbl = '${table}' AND t.id = r.id`,
      [orgId, deviceId, json],
    );
    deleted += result.rowCount ?? 0;
  }
  return deleted;
}

/** Records rejected rows (counted as processed: a poison row never blocks its stream). */
export async function recordRejections(client: pg.PoolClient, orgId: string, deviceId: string, rejections: Rejection[]): Promise<void> {
  if (rejections.length === 0) return;
  await client.query(
    `INSERT INTO sync_rejections (org_id, id, device_id, stream, device_seq, row_id, reason, row)
     SELECT $1::uuid, gen_random_uuid(), $2::uuid, r.stream, r.device_seq, r.row_id, r.reason, r.row FROM json_to_recordset($3::json) AS r(stream text, device_seq bigint, row_id text, reason text, row text)
     ON CONFLICT DO NOTHING`,
    [orgId, deviceId, JSON.stringify(rejections)],
  );
}
