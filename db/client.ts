import fs from 'node:fs';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema';
import { installSyncTriggers, missingSyncTriggers } from './sync-triggers';
import type { WriteTurns } from './write-turns';

/** The typed drizzle handle over Pitwall's schema. */
export type PitwallDb = BetterSQLite3Database<typeof schema>;

/** Options for {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** SQLite file path, or `:memory:`. */
  file: string;
  /** Folder of drizzle-kit SQL migrations (with `meta/_journal.json`). */
  migrationsDir: string;
  /**
   * Path of a better-sqlite3 `.node` built for the running runtime. Electron has its own ABI, so
   * it loads a copy built for it while plain Node (tests, headless) loads the default one.
   */
  nativeBinding?: string;
  /** Counts this connection's writes, for a bulk writer in another thread to make way for them. */
  writeTurns?: WriteTurns;
}

/** An open database: the raw handle for pragmas and transactions, and the drizzle one for queries. */
export interface DatabaseHandle {
  sqlite: Database.Database;
  db: PitwallDb;
  close(): void;
}

/**
 * Opens (creating if needed) the database, sets the pragmas, applies pending migrations in one
 * transaction and reinstalls the sync triggers.
 */
export function openDatabase(options: OpenDatabaseOptions): DatabaseHandle {
  if (options.file !== ':memory:') makePrivate(options.file);
  const sqlite = new Database(options.file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
    options.writeTurns?.countWritesOf(sqlite);
    const db = drizzle(sqlite, { schema });
    migrate(db, { migrationsFolder: options.migrationsDir });
    installSyncTriggers(sqlite);
    const missing = missingSyncTriggers(sqlite);
    if (missing.length > 0) throw new Error(`sync triggers missing after install: ${missing.join(', ')}`);
    return { sqlite, db, close: () => sqlite.close() };
  } catch (error) {
    sqlite.close();
    throw error;
  }
}

/**
 * Creates the database file 0600 before SQLite opens it, and tightens an existing one with its
 * WAL and shared-memory files. SQLite gives the `-wal` and `-shm` files it creates the mode of the
 * database file, so they follow; the process umask is left alone (agents inherit it).
 */
function makePrivate(file: string): void {
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  if (process.platform === 'win32') return;
  for (const name of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    try {
      if ((fs.statSync(name).mode & 0o777) !== 0o600) fs.chmodSync(name, 0o600);
    } catch {
      // Not there (no WAL yet).
    }
  }
}
