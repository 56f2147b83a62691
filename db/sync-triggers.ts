import type BetterSqlite3 from 'better-sqlite3';
import { APPEND_ONLY_TABLES, MUTABLE_SYNCED_TABLES } from './schema';

/** Names of the triggers this module owns, per table, so a check can tell what is missing. */
export function expectedTriggerNames(): string[] {
  return [
    ...MUTABLE_SYNCED_TABLES.flatMap((t) => [`sync_${t}_insert`, `sync_${t}_update`]),
    ...APPEND_ONLY_TABLES.map((t) => `append_only_${t}_no_update`),
  ];
}

/** The table's columns, or null when the table does not exist (yet: a file opened with older migrations). */
function columnsOf(sqlite: BetterSqlite3.Database, table: string): string[] | null {
  const rows = sqlite.prepare(`PRAGMA table_info(${JSON.stringify(table)})`).all() as { name: string }[];
  return rows.length === 0 ? null : rows.map((r) => r.name);
}

/**
 * (Re)installs the triggers that feed `sync_outbox` with full-row snapshots of mutable tables and
 * keep append-only tables immutable. They are generated from the live schema, so run this after
 * every migration: a table rebuild drops its triggers.
 */
export function installSyncTriggers(sqlite: BetterSqlite3.Database): void {
  const install = sqlite.transaction(() => {
    for (const table of MUTABLE_SYNCED_TABLES) {
      const cols = columnsOf(sqlite, table);
      if (!cols) continue;
      const json = `json_object(${cols.map((c) => `'${c}', NEW."${c}"`).join(', ')})`;
      sqlite.exec(`DROP TRIGGER IF EXISTS "sync_${table}_insert"; DROP TRIGGER IF EXISTS "sync_${table}_update";`);
      sqlite.exec(`CREATE TRIGGER "sync_${table}_insert" AFTER INSERT ON "${table}" BEGIN
  INSERT INTO sync_outbox (tbl, row_id, op, row_json, row_version) VALUES ('${table}', NEW.id, 'insert', ${json}, NEW.version);
END;`);
      sqlite.exec(`CREATE TRIGGER "sync_${table}_update" AFTER UPDATE ON "${table}" BEGIN
  INSERT INTO sync_outbox (tbl, row_id, op, row_json, row_version) VALUES ('${table}', NEW.id,
    CASE WHEN NEW.deleted_at IS NOT NULL AND OLD.deleted_at IS NULL THEN 'delete' ELSE 'update' END,
    ${json}, NEW.version);
END;`);
    }
    for (const table of APPEND_ONLY_TABLES) {
      if (!columnsOf(sqlite, table)) continue;
      sqlite.exec(`DROP TRIGGER IF EXISTS "append_only_${table}_no_update";`);
      sqlite.exec(`CREATE TRIGGER "append_only_${table}_no_update" BEFORE UPDATE ON "${table}" BEGIN
  SELECT RAISE(ABORT, '${table} is append-only: write a new row instead');
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
  const expected = [
    ...MUTABLE_SYNCED_TABLES.filter((t) => tables.has(t)).flatMap((t) => [`sync_${t}_insert`, `sync_${t}_update`]),
    ...APPEND_ONLY_TABLES.filter((t) => tables.has(t)).map((t) => `append_only_${t}_no_update`),
  ];
  return expected.filter((n) => !present.has(n));
}
