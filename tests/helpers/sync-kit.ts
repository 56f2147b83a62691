import { createHash } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { inScope } from '../../db/sync-scope';
import { SYNC_TABLES, SYNC_TABLE_NAMES } from '../../src-common/sync/tables';
import type { App } from '../../src-main/app';
import type { SyncServiceOptions } from '../../src-main/sync/sync-service';
import { makeTestApp } from './test-app';
import { tempDir } from './temp-dir';
import { poller } from './wait';

/** Push-loop tunables for tests: short timeouts and retries, no jitter surprises. */
export const FAST_SYNC: Partial<SyncServiceOptions> = { requestTimeoutMs: 3_000, retryBaseMs: 100, retryMaxMs: 800, idleIntervalMs: 500, debounceMs: 20 };

export const until = poller({ timeoutMs: 45_000, intervalMs: 100 });

/** A real desktop core over a fresh data folder, with the test push-loop tunables. */
export function desktop(options: Partial<SyncServiceOptions> = {}, dataDir = tempDir('pitwall-sync-data-')): { app: App; dataDir: string; dbFile: string } {
  const app = makeTestApp(dataDir, { ...process.env, HOME: dataDir }, { syncOptions: { ...FAST_SYNC, ...options } });
  return { app, dataDir, dbFile: path.join(dataDir, 'pitwall.db') };
}

/** A second connection to a desktop's database (WAL: it reads and writes beside the core). */
export function openLocal(dbFile: string): Database.Database {
  const db = new Database(dbFile);
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return db;
}

const hash = (ids: string[]) => createHash('sha256').update(ids.join('\n')).digest('hex').slice(0, 16);

/** Per table: the rows in scope on the desktop and the desktop's rows on the server, as count and id hash. */
export async function compare(dbFile: string, pgUrl: string, deviceId: string): Promise<{ table: string; local: string; server: string }[]> {
  const local = new Database(dbFile, { readonly: true });
  const server = new pg.Client({ connectionString: pgUrl });
  await server.connect();
  try {
    const out: { table: string; local: string; server: string }[] = [];
    for (const table of SYNC_TABLE_NAMES) {
      const key = SYNC_TABLES[table].key;
      const localIds = (local.prepare(`SELECT x."${key}" AS k FROM "${table}" x WHERE ${inScope(table, 'x')} ORDER BY x."${key}"`).all() as { k: string }[]).map((r) => r.k);
      // A row the server recorded as rejected was processed: it counts as arrived.
      const serverIds = (
        await server.query<{ k: string }>(
          `SELECT "${key}" AS k FROM "${table}" WHERE device_id = $1 UNION SELECT row_id FROM sync_rejections WHERE device_id = $1 AND split_part(stream, '~', 1) = $2 AND row_id IS NOT NULL`,
          [deviceId, table],
        )
      ).rows.map((r) => r.k);
      serverIds.sort();
      localIds.sort();
      out.push({ table, local: `${localIds.length}:${hash(localIds)}`, server: `${serverIds.length}:${hash(serverIds)}` });
    }
    return out;
  } finally {
    local.close();
    await server.end();
  }
}

/** What must hold after every fault test, checked once the desktop has drained. */
export async function expectConverged(dbFile: string, pgUrl: string, deviceId: string, minRows = 1): Promise<void> {
  let last = '';
  const outcome = await until(async () => {
    const tables = await compare(dbFile, pgUrl, deviceId);
    const local = new Database(dbFile, { readonly: true });
    const waiting = (local.prepare(`SELECT (SELECT count(*) FROM sync_outbox) + (SELECT count(*) FROM sync_backfills) + (SELECT count(*) FROM sync_state WHERE up_to_seq IS NOT NULL) AS n`).get() as { n: number }).n;
    local.close();
    const equal = tables.every((t) => t.local === t.server);
    last = `waiting ${waiting}; ${JSON.stringify(tables.filter((t) => t.local !== t.server))}`;
    return equal && waiting === 0 ? tables : false;
  }, "server and desktop to hold the same rows and the outbox to drain", 40_000, () => last);
  const total = outcome.reduce((n, t) => n + Number(t.local.split(':')[0]), 0);
  if (total < minRows) throw new Error(`only ${total} rows in scope: the test checked too little`);
  const server = new pg.Client({ connectionString: pgUrl });
  await server.connect();
  try {
    for (const table of SYNC_TABLE_NAMES) {
      const dups = await server.query(`SELECT device_seq FROM "${table}" WHERE device_id = $1 GROUP BY device_seq HAVING count(*) > 1`, [deviceId]);
      if (dups.rowCount) throw new Error(`${table}: duplicate (device_id, device_seq) ${JSON.stringify(dups.rows)}`);
    }
  } finally {
    await server.end();
  }
}
