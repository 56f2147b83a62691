import { z } from 'zod';

// The synced tables, written once: the desktop builds batches from them, the team server validates
// rows with the zod schemas derived here and generates its Postgres tables from the same columns.
// Column names are the SQLite ones (snake_case): a row travels as the database holds it.

/** A column's type on the wire: `json` is JSON kept as text (both sides store the text as is). */
export type ColumnType = 'text' | 'int' | 'real' | 'bool' | 'json';

/** One column of a synced table. */
export interface ColumnSpec {
  type: ColumnType;
  /** NOT NULL on both sides (a row without it is rejected). */
  required?: boolean;
  /**
   * Free text or file contents: sent only when the team's content level is `everything`, and
   * refused by the server for a metadata-only team.
   */
  content?: boolean;
}

/**
 * How a table replicates. `append`: immutable rows, the table is its own log (local `seq`).
 * `mutable`: full-row snapshots through `sync_outbox`, newer `version` wins.
 */
export type TableKind = 'append' | 'mutable';

/** A synced table. */
export interface TableSpec {
  kind: TableKind;
  /** The row's identity on the wire (`id`, or `key` for usage records). */
  key: string;
  columns: Record<string, ColumnSpec>;
}

const t = (required = false, content = false): ColumnSpec => ({ type: 'text', required, content });
const i = (required = false): ColumnSpec => ({ type: 'int', required });
const j = (required = false, content = false): ColumnSpec => ({ type: 'json', required, content });
const b = (): ColumnSpec => ({ type: 'bool', required: true });

const mutableBase = { id: t(true), created_at: i(true), updated_at: i(true), version: i(true), deleted_at: i() };
const appendBase = { id: t(true), created_at: i(true), updated_at: i(true) };

/**
 * Every synced table, in push order: parents before children (a request carries its streams in
 * this order, so a reader of the team database sees a session before its messages), and the small
 * mutable tables before the large logs, so a long catch-up of messages never holds back a decision.
 */
export const SYNC_TABLES = {
  machines: { kind: 'mutable', key: 'id', columns: { ...mutableBase, hostname: t(true), platform: t(true), is_local: b() } },
  projects: { kind: 'mutable', key: 'id', columns: { ...mutableBase, name: t(true), path: t(true), config: j(true) } },
  workspaces: {
    kind: 'mutable',
    key: 'id',
    columns: { ...mutableBase, machine_id: t(), project_id: t(), source: t(true), external_id: t(), folder: t() },
  },
  worktrees: {
    kind: 'mutable',
    key: 'id',
    columns: {
      ...mutableBase,
      project_id: t(true),
      branch: t(true),
      base_ref: t(true),
      path: t(true),
      status: t(true),
      error: t(),
      external: b(),
      init_log: t(false, true),
      snapshot_ref: t(),
    },
  },
  tasks: {
    kind: 'mutable',
    key: 'id',
    columns: {
      ...mutableBase,
      project_id: t(true),
      profile_id: t(),
      worktree_id: t(),
      title: t(true),
      description: t(false, true),
      labels: j(true),
      column: t(true),
      position: { type: 'real', required: true },
      rejection_count: i(true),
      approved_by: t(),
      approved_at: i(),
      session_id: t(),
      diff_summary: j(),
      gate_detail: t(),
    },
  },
  sessions: {
    kind: 'mutable',
    key: 'id',
    columns: {
      ...mutableBase,
      source: t(true),
      agent_kind: t(true),
      project_id: t(),
      worktree_id: t(),
      workspace_id: t(),
      machine_id: t(),
      task_id: t(),
      profile_id: t(),
      external_id: t(),
      // A transcript's title is its first prompt: content.
      title: t(false, true),
      status: t(true),
      status_detail: t(),
      activity: t(),
      prompt: t(false, true),
      cwd: t(),
      models: j(true),
      transcript_path: t(),
      exit_code: i(),
      started_at: i(),
      ended_at: i(),
    },
  },
  agent_runs: {
    kind: 'mutable',
    key: 'id',
    columns: {
      ...mutableBase,
      session_id: t(),
      task_id: t(),
      kind: t(true),
      command: t(),
      status: t(true),
      exit_code: i(),
      duration_ms: i(),
      output_file: t(false, true),
    },
  },
  approvals: {
    kind: 'mutable',
    key: 'id',
    columns: {
      ...mutableBase,
      session_id: t(),
      project_id: t(),
      worktree_id: t(),
      tool_name: t(true),
      input: j(true, true),
      preview: t(false, true),
      status: t(true),
      decision: t(),
      // A person's free text (or the rule that decided).
      reason: t(false, true),
      decided_by: t(),
      decided_at: i(),
      waited_ms: i(),
      tool_use_id: t(),
    },
  },
  permission_rules: {
    kind: 'mutable',
    key: 'id',
    columns: { ...mutableBase, effect: t(true), tool_name: t(true), pattern: t(), scope: t(true), project_id: t(), session_id: t() },
  },
  verification_runs: {
    kind: 'mutable',
    key: 'id',
    columns: {
      ...mutableBase,
      task_id: t(true),
      command: t(true),
      status: t(true),
      exit_code: i(),
      duration_ms: i(),
      output_file: t(false, true),
      output_tail: t(false, true),
    },
  },
  // Derived locally from transcripts, keyed by the API response; no version: the outbox order decides.
  usage_records: {
    kind: 'mutable',
    key: 'key',
    columns: {
      key: t(true),
      session_id: t(true),
      day: t(true),
      agent_kind: t(true),
      model: t(true),
      project_key: t(true),
      input_tokens: i(true),
      output_tokens: i(true),
      cache_read_tokens: i(true),
      cache_write_tokens: i(true),
    },
  },
  messages: {
    kind: 'append',
    key: 'id',
    columns: {
      ...appendBase,
      session_id: t(true),
      role: t(true),
      text: t(true, true),
      sequence: i(true),
      timestamp: i(),
      external_id: t(),
      model: t(),
      input_tokens: i(),
      output_tokens: i(),
      cache_read_tokens: i(),
      cache_write_tokens: i(),
      kind: t(true),
      usage_key: t(),
    },
  },
  tool_calls: {
    kind: 'append',
    key: 'id',
    columns: {
      ...appendBase,
      session_id: t(true),
      message_id: t(),
      external_id: t(),
      name: t(true),
      input: j(true, true),
      output_summary: t(false, true),
      output_file: t(false, true),
      status: t(true),
      decision: t(),
      decided_by: t(),
      reason: t(),
      duration_ms: i(),
      turn: i(),
    },
  },
  // Lifecycle events (a session's agent started, ended): small, no content.
  events: {
    kind: 'append',
    key: 'id',
    columns: { ...appendBase, type: t(true), subject_table: t(), subject_id: t(), at: i(true), data: j(true) },
  },
} as const satisfies Record<string, TableSpec>;

/** A synced table's name. */
export type SyncTable = keyof typeof SYNC_TABLES;

/** Synced tables in push order (parents first). */
export const SYNC_TABLE_NAMES = Object.keys(SYNC_TABLES) as SyncTable[];

/** True when `name` is a synced table. */
export function isSyncTable(name: string): name is SyncTable {
  return Object.prototype.hasOwnProperty.call(SYNC_TABLES, name);
}

/** The spec of a table (typed loosely, for code that walks every table). */
export function tableSpec(table: SyncTable): TableSpec {
  return SYNC_TABLES[table] as TableSpec;
}

/** Longest text value accepted in one field (a whole file read by an agent can be long). */
export const MAX_TEXT_CHARS = 4 * 1024 * 1024;

function columnSchema(spec: ColumnSpec): z.ZodType {
  let schema: z.ZodType;
  switch (spec.type) {
    case 'text':
    case 'json':
      schema = z.string().max(MAX_TEXT_CHARS);
      break;
    case 'int':
      schema = z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
      break;
    case 'real':
      schema = z.number().finite();
      break;
    case 'bool':
      // SQLite's json_object writes booleans as 0/1.
      schema = z.union([z.boolean(), z.literal(0), z.literal(1)]).transform((v) => v === true || v === 1);
      break;
  }
  return spec.required ? schema : schema.nullable().optional().transform((v) => v ?? null);
}

/** The zod schema of one table's row; unknown fields pass through (the server keeps them in `extra`). */
export function rowSchema(table: SyncTable): z.ZodType<Record<string, unknown>> {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, spec] of Object.entries(tableSpec(table).columns)) shape[name] = columnSchema(spec);
  const key = tableSpec(table).key;
  shape[key] = z.string().min(1, `${key} is required`).max(200);
  return z.looseObject(shape) as unknown as z.ZodType<Record<string, unknown>>;
}

/** Row schemas of every synced table, built once. */
export const ROW_SCHEMAS: Record<SyncTable, z.ZodType<Record<string, unknown>>> = Object.fromEntries(
  SYNC_TABLE_NAMES.map((name) => [name, rowSchema(name)]),
) as Record<SyncTable, z.ZodType<Record<string, unknown>>>;

/**
 * The same check as {@link rowSchema}, written out for the server's hot path (zod costs several
 * microseconds a row; a million rows a minute is the target). True only for rows the zod schema
 * accepts; rows it refuses are parsed with zod for the reason.
 */
export function compileRowCheck(table: SyncTable): (row: Record<string, unknown>) => boolean {
  const spec = tableSpec(table);
  const checks = Object.entries(spec.columns).map(([name, col]) => {
    const typeOk =
      col.type === 'text' || col.type === 'json'
        ? (v: unknown) => typeof v === 'string' && v.length <= MAX_TEXT_CHARS
        : col.type === 'int'
          ? (v: unknown) => Number.isSafeInteger(v)
          : col.type === 'real'
            ? (v: unknown) => typeof v === 'number' && Number.isFinite(v)
            : (v: unknown) => v === true || v === false || v === 0 || v === 1;
    const required = col.required || name === spec.key;
    return (row: Record<string, unknown>) => {
      const v = row[name];
      if (v === undefined || v === null) return !required;
      return typeOk(v);
    };
  });
  const key = spec.key;
  return (row) => {
    const k = row[key];
    if (typeof k !== 'string' || k.length < 1 || k.length > 200) return false;
    for (const check of checks) if (!check(row)) return false;
    return true;
  };
}

/** Names of a table's content columns (blanked for a metadata-only team). */
export function contentColumns(table: SyncTable): string[] {
  return Object.entries(tableSpec(table).columns)
    .filter(([, spec]) => spec.content)
    .map(([name]) => name);
}

/** What a content column holds for a metadata-only team: nothing, never a guessable hash. */
export function blankContent(spec: ColumnSpec): string | null {
  if (!spec.required) return null;
  return spec.type === 'json' ? '{}' : '';
}

/** True when a content value is empty (what a metadata-only team accepts). */
export function isBlankContent(value: unknown): boolean {
  return value === null || value === undefined || value === '' || value === '{}';
}
