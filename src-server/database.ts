import { createHmac } from 'node:crypto';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';

/** The role requests run as when the operator gives no URL of their own for it. */
export const DEFAULT_APP_ROLE = 'pitwall_app';

/** The team schema's migrations (drizzle-kit, Postgres dialect). */
export const TEAM_MIGRATIONS_DIR = path.resolve(__dirname, '../db/team/migrations');

/** Thrown for Postgres being down or too slow: the request gets 503 and the device retries. */
export class DatabaseUnavailable extends Error {}

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', '57P01', '57P02', '57P03', '53300', '08000', '08003', '08006', '08001', '08004']);

/** True for errors that mean "Postgres is not there right now", not "this request is wrong". */
export function isUnavailable(error: unknown): boolean {
  if (error instanceof DatabaseUnavailable) return true;
  const e = error as { code?: string; message?: string };
  if (e?.code && UNAVAILABLE_CODES.has(e.code)) return true;
  const message = e?.message ?? '';
  return /timeout|terminated|Connection terminated|connect ECONNREFUSED|Client has encountered a connection error/i.test(message);
}

/** Options for the app pool. */
export interface PoolOptions {
  max: number;
  /** Limit on one statement (server side) and on waiting for its answer (client side). */
  statementTimeoutMs: number;
  connectTimeoutMs: number;
}

/** A pool that connects as the app role. */
export function appPool(url: string, options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max,
    connectionTimeoutMillis: options.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs,
    query_timeout: options.statementTimeoutMs + 1_000,
    application_name: 'pitwall-team-server',
  });
  // An idle client losing its connection (Postgres restarted) must not end the process.
  pool.on('error', (error) => console.error('[team-server] idle database connection failed:', error.message));
  return pool;
}

/**
 * Runs `fn` in one transaction with the organisation set for row-level security. set_config with
 * `is_local = true` ends with the transaction, so a pooled connection (or a transaction pooler in
 * front of Postgres) never carries one organisation into the next request.
 */
export async function withOrg<T>(pool: pg.Pool, orgId: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw new DatabaseUnavailable(`The database is not reachable: ${(error as Error).message}`);
  }
  let broken = false;
  // A connection lost while checked out is reported on the client; without a listener it would end the process.
  const onError = (error: Error) => {
    broken = true;
    console.error('[team-server] database connection lost:', error.message);
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    await client.query(`SELECT set_config('app.org_id', $1, true)`, [orgId]);
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true;
    }
    throw error;
  } finally {
    client.removeListener('error', onError);
    client.release(broken ? true : undefined);
  }
}

/** The app role's password when the server manages the role: derived from the owner's, so every server instance agrees. */
function derivedPassword(ownerUrl: string): string {
  const url = new URL(ownerUrl);
  return createHmac('sha256', `${decodeURIComponent(url.password)}\0${decodeURIComponent(url.username)}`).update('pitwall-app-role').digest('base64url');
}

/** The URL requests connect with: the operator's, or the owner's with the managed app role in it. */
export function appUrlFor(ownerUrl: string, appUrl: string | undefined): { url: string; role: string; managed: boolean } {
  if (appUrl) return { url: appUrl, role: decodeURIComponent(new URL(appUrl).username), managed: false };
  const url = new URL(ownerUrl);
  url.username = DEFAULT_APP_ROLE;
  url.password = derivedPassword(ownerUrl);
  return { url: url.toString(), role: DEFAULT_APP_ROLE, managed: true };
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function retryingConcurrent<T>(fn: () => Promise<T>): Promise<T> {
  // Roles are cluster-wide: several servers (or test databases) starting at once race on them.
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt < 5 && (code === '23505' || code === '42710' || code === 'XX000' || code === '40001')) continue;
      throw error;
    }
  }
}

/**
 * As the owner: applies the migrations (one server at a time, under an advisory lock), makes sure
 * the app role exists and can neither bypass row-level security nor own anything, and grants it
 * what requests need and nothing more.
 */
export async function prepareDatabase(ownerUrl: string, app: { role: string; url: string; managed: boolean }, migrationsDir = TEAM_MIGRATIONS_DIR): Promise<void> {
  const owner = new pg.Client({ connectionString: ownerUrl, application_name: 'pitwall-team-server-migrate', connectionTimeoutMillis: 10_000 });
  await owner.connect();
  try {
    await owner.query(`SELECT pg_advisory_lock(hashtext('pitwall-team-migrations'))`);
    try {
      await migrate(drizzle(owner), { migrationsFolder: migrationsDir });
    } finally {
      await owner.query(`SELECT pg_advisory_unlock(hashtext('pitwall-team-migrations'))`);
    }
    const role = quoteIdent(app.role);
    if (app.managed) {
      const password = decodeURIComponent(new URL(app.url).password);
      await retryingConcurrent(async () => {
        const exists = await owner.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [app.role]);
        if (exists.rowCount === 0) await owner.query(`CREATE ROLE ${role} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT`);
        // ALTER ROLE takes no parameters; the password is base64url, so it cannot break the quoting.
        await owner.query(`ALTER ROLE ${role} WITH LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '${password}'`);
      });
    }
    const check = await owner.query<{ rolsuper: boolean; rolbypassrls: boolean }>(`SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1`, [app.role]);
    const found = check.rows[0];
    if (!found) throw new Error(`The app role ${app.role} does not exist`);
    if (found.rolsuper || found.rolbypassrls) throw new Error(`The app role ${app.role} must not be a superuser nor bypass row-level security`);
    const owns = await owner.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tableowner = $1`, [app.role]);
    if ((owns.rows[0] as { n: number }).n > 0) throw new Error(`The app role ${app.role} owns tables; it must not (owners can turn row-level security off)`);
    const database = quoteIdent((await owner.query<{ db: string }>(`SELECT current_database() AS db`)).rows[0]!.db);
    await retryingConcurrent(async () => {
      // TEMPORARY: pushes stage append-only rows in a temp table (see stage.ts).
      await owner.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${database} TO ${role}`);
      await owner.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
      await owner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`);
    });
  } finally {
    await owner.end();
  }
}
