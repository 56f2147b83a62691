import { spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { createInvite, createOrg, enrollDevice } from '../../src-server/admin';
import { startTeamServer, type RunningTeamServer, type TeamServerOptions } from '../../src-server/team-server';
import type { ContentLevel } from '../../src-common/sync/protocol';

/** The repository root. */
export const ROOT = path.resolve(__dirname, '../..');

/** A real team server in this process over a test database (stop it in afterEach/afterAll). */
export function teamServer(databaseUrl: string, options: Partial<TeamServerOptions> = {}): Promise<RunningTeamServer> {
  return startTeamServer({ databaseUrl, port: 0, host: '127.0.0.1', statementTimeoutMs: 10_000, connectTimeoutMs: 3_000, ...options });
}

/** An organisation with one enrolled device, made through the server's own functions. */
export async function orgWithDevice(server: RunningTeamServer, name = 'Acme', level: ContentLevel = 'everything') {
  const org = await createOrg(server.pool, name, level);
  const code = await createInvite(server.pool, org.orgId, 'ann', 1);
  const device = await enrollDevice(server.pool, code.code, { name: 'laptop', platform: 'linux-x64', startCursors: [] });
  return { ...org, ...device };
}

/** An enrollment code for a new device of a new organisation. */
export async function inviteCode(server: RunningTeamServer, name = 'Acme', level: ContentLevel = 'everything'): Promise<{ orgId: string; adminToken: string; code: string }> {
  const org = await createOrg(server.pool, name, level);
  const invite = await createInvite(server.pool, org.orgId, 'ann', 1);
  return { ...org, code: invite.code };
}

/** POSTs JSON; answers the status and the parsed body. */
export async function postJson(url: string, body: unknown, token?: string, raw?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: raw ?? JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { text };
  }
  return { status: res.status, body: parsed };
}

/** Runs a query as the owner (superuser here: it sees every organisation). */
export async function asOwner<T extends pg.QueryResultRow = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

/** Runs `npm run team-server -- …` as a user would (tsx from source); answers its exit code and output. */
export function runTeamServerCommand(args: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src-server/main.ts'), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`team-server ${args.join(' ')} did not finish; output:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
