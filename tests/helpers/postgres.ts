import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The Postgres server the tests use (trust auth on 127.0.0.1:5432, user postgres). */
export const PG_ADMIN_URL = process.env.PITWALL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A database made for one test file; drop it in afterAll. */
export interface TestDatabase {
  name: string;
  /** The owner's URL (the superuser here). */
  url: string;
  drop(): Promise<void>;
}

/** Creates an empty database with a unique name. */
export async function freshDatabase(prefix = 'pitwall_test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** Runs one query on a database as the owner. */
export async function ownerQuery<T extends pg.QueryResultRow = Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text, params)).rows;
  } finally {
    await c.end();
  }
}
