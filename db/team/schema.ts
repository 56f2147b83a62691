import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  doublePrecision,
  jsonb,
  pgPolicy,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
  type PgColumnBuilderBase,
} from 'drizzle-orm/pg-core';
import { SYNC_TABLES, SYNC_TABLE_NAMES, type ColumnSpec, type SyncTable } from '../../src-common/sync/tables';

// The team's Postgres schema (drizzle-kit, Postgres dialect; migrations in db/team/migrations).
// Every table has `org_id`, row-level security enabled (and forced by a custom migration), and
// one policy: a row is visible and writable only when its org is the transaction's `app.org_id`,
// which the server sets from the token with set_config(..., true). No foreign keys between synced
// tables: rows arrive on independent streams, and a poison parent must not block its children.

/** The organisation of the current transaction; NULL (no rows) when none was set. */
export const CURRENT_ORG = sql`nullif(current_setting('app.org_id', true), '')::uuid`;

const orgPolicy = () =>
  pgPolicy('org_isolation', { as: 'permissive', for: 'all', using: sql`org_id = ${CURRENT_ORG}`, withCheck: sql`org_id = ${CURRENT_ORG}` });

const orgId = () => uuid('org_id').notNull();
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/** A team. */
export const orgs = pgTable(
  'orgs',
  {
    orgId: uuid('org_id').primaryKey(),
    name: text('name').notNull(),
    /** `everything` or `metadata`: a metadata-only team's server refuses text fields. */
    contentLevel: text('content_level').notNull().default('everything'),
    createdAt: createdAt(),
  },
  () => [orgPolicy()],
).enableRLS();

/** A person in a team. */
export const members = pgTable(
  'members',
  {
    orgId: orgId(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    /** `admin` or `member`. */
    role: text('role').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), uniqueIndex('members_name_unique').on(t.orgId, t.name), orgPolicy()],
).enableRLS();

/** Admin tokens (hashes only). */
export const adminTokens = pgTable(
  'admin_tokens',
  {
    orgId: orgId(),
    id: uuid('id').notNull(),
    memberId: uuid('member_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: createdAt(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), orgPolicy()],
).enableRLS();

/** One-time enrollment codes (hashes only). */
export const invites = pgTable(
  'invites',
  {
    orgId: orgId(),
    id: uuid('id').notNull(),
    memberId: uuid('member_id').notNull(),
    codeHash: text('code_hash').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    deviceId: uuid('device_id'),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), orgPolicy()],
).enableRLS();

/** An enrolled desktop (token hash only). */
export const devices = pgTable(
  'devices',
  {
    orgId: orgId(),
    id: uuid('id').notNull(),
    memberId: uuid('member_id').notNull(),
    name: text('name').notNull(),
    platform: text('platform').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), orgPolicy()],
).enableRLS();

/** Each device's cursor per stream: everything up to `acked_seq` is applied. Locked per push. */
export const syncCursors = pgTable(
  'sync_cursors',
  {
    orgId: orgId(),
    deviceId: uuid('device_id').notNull(),
    stream: text('stream').notNull(),
    ackedSeq: bigint('acked_seq', { mode: 'number' }).notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.deviceId, t.stream] }), orgPolicy()],
).enableRLS();

/** Rows that failed validation: recorded, counted as processed, never blocking their stream. */
export const syncRejections = pgTable(
  'sync_rejections',
  {
    orgId: orgId(),
    id: uuid('id').notNull(),
    deviceId: uuid('device_id').notNull(),
    stream: text('stream').notNull(),
    deviceSeq: bigint('device_seq', { mode: 'number' }).notNull(),
    rowId: text('row_id'),
    reason: text('reason').notNull(),
    /** The row as received (cut at 64 KiB). */
    row: text('row').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), uniqueIndex('sync_rejections_device_seq_unique').on(t.orgId, t.deviceId, t.stream, t.deviceSeq), orgPolicy()],
).enableRLS();

/** Append-only rows deleted on their device: a late or repeated insert of one never brings it back. */
export const syncTombstones = pgTable(
  'sync_tombstones',
  {
    orgId: orgId(),
    tbl: text('tbl').notNull(),
    rowId: text('row_id').notNull(),
    deviceId: uuid('device_id').notNull(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.tbl, t.rowId] }), orgPolicy()],
).enableRLS();

function column(name: string, spec: ColumnSpec): PgColumnBuilderBase {
  const base =
    spec.type === 'int'
      ? bigint(name, { mode: 'number' })
      : spec.type === 'real'
        ? doublePrecision(name)
        : spec.type === 'bool'
          ? boolean(name)
          : text(name);
  return spec.required ? base.notNull() : base;
}

/**
 * A synced table, generated from the shared spec: the device's columns, plus who sent it
 * (`device_id`), where it sat in that device's log (`device_seq`), and fields this server does not
 * know yet (`extra`). Each table is one stream, so its `(org_id, device_id, device_seq)` unique
 * index is the `(org_id, device_id, stream, device_seq)` guard.
 */
function syncedTable(name: SyncTable) {
  const spec = SYNC_TABLES[name];
  const columns: Record<string, PgColumnBuilderBase> = {
    org_id: orgId(),
    device_id: uuid('device_id').notNull(),
    device_seq: bigint('device_seq', { mode: 'number' }).notNull(),
    received_at: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    extra: jsonb('extra'),
  };
  for (const [col, colSpec] of Object.entries(spec.columns)) columns[col] = column(col, colSpec);
  return pgTable(name, columns, (t) => {
    const c = t as unknown as Record<string, AnyPgColumn>;
    const key: [AnyPgColumn, ...AnyPgColumn[]] = spec.key === 'key' ? [c.org_id!, c.device_id!, c.key!] : [c.org_id!, c.id!];
    return [
      primaryKey({ columns: key }),
      uniqueIndex(`${name}_device_seq_unique`).on(c.org_id!, c.device_id!, c.device_seq!),
      orgPolicy(),
    ];
  }).enableRLS();
}

/** The synced tables by name. */
export const syncedTables = Object.fromEntries(SYNC_TABLE_NAMES.map((name) => [name, syncedTable(name)])) as Record<SyncTable, ReturnType<typeof syncedTable>>;

// drizzle-kit reads exported tables: each synced table is exported under its own name.
export const machines = syncedTables.machines;
export const projects = syncedTables.projects;
export const workspaces = syncedTables.workspaces;
export const worktrees = syncedTables.worktrees;
export const tasks = syncedTables.tasks;
export const sessions = syncedTables.sessions;
export const agentRuns = syncedTables.agent_runs;
export const approvals = syncedTables.approvals;
export const permissionRules = syncedTables.permission_rules;
export const verificationRuns = syncedTables.verification_runs;
export const usageRecords = syncedTables.usage_records;
export const messages = syncedTables.messages;
export const toolCalls = syncedTables.tool_calls;
export const events = syncedTables.events;
