import type BetterSqlite3 from 'better-sqlite3';
import { SYNC_TABLES, SYNC_TABLE_NAMES, type SyncTable } from '../src-common/sync/tables';
import { APPEND_ONLY_TABLES } from './schema';
import { inScope } from './sync-scope';

const MUTABLE = SYNC_TABLE_NAMES.filter((t) => SYNC_TABLES[t].kind === 'mutable');
// Append-only tables whose rows can be deleted locally (a transcript message replaced); events never are.
const APPEND_SYNCED = SYNC_TABLE_NAMES.filter((t) => SYNC_TABLES[t].kind === 'append' && t !== 'events');

/** Names of the triggers this module owns, per table, so a check can tell what is missing. */
export function expectedTriggerNames(): string[] {
  return [
    ...MUTABLE.flatMap((t) => [`sync_${t}_insert`, `sync_${t}_update`]),
    ...APPEND_ONLY_TABLES.map((t) => `append_only_${t}_no_update`),
    ...APPEND_SYNCED.map((t) => `sync_${t}_delete`),
    'sync_sessions_join_project',
  ];
}

/** The table's columns, or null when the table does not exist (yet: a file opened with older migrations). */
function columnsOf(sqlite: BetterSqlite3.Database, table: string): string[] | null {
  const rows = sqlite.prepare(`PRAGMA table_info(${JSON.stringify(table)})`).all() as { name: string }[];
  return rows.length === 0 ? null : rows.map((r) => r.name);
}

/** `json_object(...)` of every live column of a row (new columns travel too; the server keeps unknown ones). */
function rowJson(cols: string[], alias: string): string {
  return `json_object(${cols.map((c) => `'${c}', ${alias}."${c}"`).join(', ')})`;
}

/**
 * A trigger's condition: the row is in scope. Asked first whether any project is synced at all, a
 * check that is only true when the full one may be: the full one reads the row's session and lists
 * the synced projects, for every row a transcript scan writes (most people sync nothing).
 */
function inScopeWhen(table: SyncTable, alias: string): string {
  return `EXISTS (SELECT 1 FROM sync_projects) AND ${inScope(table, alias)}`;
}

/** A mutable row's version; usage records have none, and their outbox order decides instead. */
function versionOf(cols: string[], alias: string): string {
  return cols.includes('version') ? `${alias}.version` : '0';
}

/**
 * SQL that copies full-row snapshots of a mutable table's rows matching `where` (over alias `x`)
 * into the outbox: how a back-fill sends rows written before they came into scope.
 */
export function snapshotInsertSql(sqlite: BetterSqlite3.Database, table: SyncTable, where: string): string | null {
  const cols = columnsOf(sqlite, table);
  if (!cols) return null;
  const key = SYNC_TABLES[table].key;
  return `INSERT INTO sync_outbox (tbl, row_id, op, row_json, row_version)
    SELECT '${table}', x."${key}", 'backfill', ${rowJson(cols, 'x')}, ${versionOf(cols, 'x')} FROM "${table}" x WHERE ${where}`;
}

/**
 * (Re)installs the triggers that feed `sync_outbox` with full-row snapshots of mutable rows in the
 * team's scope (nothing is written while no project is turned on), record deletions of append-only
 * rows, queue a back-fill when a session joins a synced project, and keep append-only tables
 * immutable. They are generated from the live schema, so run this after every migration: a table
 * rebuild drops its triggers.
 */
export function installSyncTriggers(sqlite: BetterSqlite3.Database): void {
  const install = sqlite.transaction(() => {
    // Triggers of tables that are no longer synced (agent profiles hold environment values).
    const owned = sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND (name LIKE 'sync\\_%' ESCAPE '\\')`).all() as { name: string }[];
    const expected = new Set(expectedTriggerNames());
    for (const { name } of owned) if (!expected.has(name)) sqlite.exec(`DROP TRIGGER IF EXISTS "${name}"`);

    // A file opened with older migrations (tests do) has no scope tables yet: no team, no outbox.
    const scoped = columnsOf(sqlite, 'sync_projects') !== null;
    for (const table of MUTABLE) {
      const cols = columnsOf(sqlite, table);
      if (!cols || !scoped) continue;
      const key = SYNC_TABLES[table].key;
      const json = rowJson(cols, 'NEW');
      const op = cols.includes('deleted_at') ? `CASE WHEN NEW.deleted_at IS NOT NULL AND OLD.deleted_at IS NULL THEN 'delete' ELSE 'update' END` : `'update'`;
      sqlite.exec(`DROP TRIGGER IF EXISTS "sync_${table}_insert"; DROP TRIGGER IF EXISTS "sync_${table}_update";`);
      sqlite.exec(`CREATE TRIGGER "sync_${table}_insert" AFTER INSERT ON "${table}" WHEN ${inScopeWhen(table, 'NEW')} BEGIN
  INSERT INTO sync_outbox (tbl, row_id, op, row_json, row_version) VALUES ('${table}', NEW."${key}", 'insert', ${json}, ${versionOf(cols, 'NEW')});
END;`);
      sqlite.exec(`CREATE TRIGGER "sync_${table}_update" AFTER UPDATE ON "${table}" WHEN ${inScopeWhen(table, 'NEW')} BEGIN
  INSERT INTO sync_outbox (tbl, row_id, op, row_json, row_version) VALUES ('${table}', NEW."${key}", ${op}, ${json}, ${versionOf(cols, 'NEW')});
END;`);
    }
    for (const table of APPEND_ONLY_TABLES) {
      if (!columnsOf(sqlite, table)) continue;
      sqlite.exec(`DROP TRIGGER IF EXISTS "append_only_${table}_no_update";`);
      sqlite.exec(`CREATE TRIGGER "append_only_${table}_no_update" BEFORE UPDATE ON "${table}" BEGIN
  SELECT RAISE(ABORT, '${table} is append-only: write a new row instead');
END;`);
    }
    // A transcript message whose text changed is replaced by a new row: the old one must go on the server too.
    for (const table of APPEND_SYNCED) {
      if (!columnsOf(sqlite, table) || !scoped) continue;
      sqlite.exec(`DROP TRIGGER IF EXISTS "sync_${table}_delete";`);
      sqlite.exec(`CREATE TRIGGER "sync_${table}_delete" AFTER DELETE ON "${table}" WHEN ${inScopeWhen(table, 'OLD')} BEGIN
  INSERT INTO sync_outbox (tbl, row_id, op, row_json, row_version) VALUES ('${table}', OLD.id, 'delete', json_object('tbl', '${table}', 'id', OLD.id), 0);
END;`);
    }
    if (columnsOf(sqlite, 'sessions') && columnsOf(sqlite, 'sync_backfills')) {
      sqlite.exec(`DROP TRIGGER IF EXISTS "sync_sessions_join_project";`);
      // Its messages and tool calls were skipped while it had no synced project: send them now.
      sqlite.exec(`CREATE TRIGGER "sync_sessions_join_project" AFTER UPDATE OF project_id ON sessions
  WHEN NEW.project_id IN (SELECT project_id FROM sync_projects) AND (OLD.project_id IS NULL OR OLD.project_id NOT IN (SELECT project_id FROM sync_projects)) BEGIN
  INSERT INTO sync_backfills (scope, key, created_at) VALUES ('session', NEW.id, cast(unixepoch('subsec') * 1000 as integer));
END;`);
    }
  });
  install();
}

/** Names of owned triggers missing on tables that exist (empty when all is well). */
export function missingSyncTriggers(sqlite: BetterSqlite3.Database): string[] {
  const names = (type: string): Set<string> =>
    new Set((sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = ?`).all(type) as { name: string }[]).map((r) => r.name));
  const present = names('trigger');
  const tables = names('table');
  const scoped = tables.has('sync_projects');
  const expected = [
    ...MUTABLE.filter((t) => scoped && tables.has(t)).flatMap((t) => [`sync_${t}_insert`, `sync_${t}_update`]),
    ...APPEND_ONLY_TABLES.filter((t) => tables.has(t)).map((t) => `append_only_${t}_no_update`),
    ...APPEND_SYNCED.filter((t) => scoped && tables.has(t)).map((t) => `sync_${t}_delete`),
    ...(tables.has('sessions') && tables.has('sync_backfills') ? ['sync_sessions_join_project'] : []),
  ];
  return expected.filter((n) => !present.has(n));
}
