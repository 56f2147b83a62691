import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appUrlFor } from '../../src-server/database';
import { revokeDevice } from '../../src-server/admin';
import type { RunningTeamServer } from '../../src-server/team-server';
import { SYNC_TABLE_NAMES } from '../../src-common/sync/tables';
import { freshDatabase, type TestDatabase } from '../helpers/postgres';
import { asOwner, orgWithDevice, postJson, runTeamServerCommand, teamServer } from '../helpers/team-server';

let db: TestDatabase;
let server: RunningTeamServer;

beforeAll(async () => {
  db = await freshDatabase();
  server = await teamServer(db.url);
});
afterAll(async () => {
  await server?.dispose();
  await db?.drop();
});

const now = Date.now();
const message = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  created_at: now,
  updated_at: now,
  session_id: 's1',
  role: 'user',
  text: `text of ${id}`,
  sequence: 1,
  kind: 'text',
  ...extra,
});
const session = (id: string, version: number, title: string) => ({
  id,
  created_at: now,
  updated_at: now,
  version,
  source: 'launched',
  agent_kind: 'shell',
  status: 'running',
  title,
  models: '[]',
});

function push(deviceId: string, streams: { stream: string; fromSeq: number; toSeq: number; rows: { seq: number; row: unknown }[] }[]) {
  return { protocolVersion: 1, schemaVersion: 1, deviceId, sentAt: now, streams };
}

async function count(table: string, orgId: string): Promise<number> {
  const rows = await asOwner<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM ${table} WHERE org_id = $1`, [orgId]);
  return rows[0]!.n;
}

describe('team server', () => {
  it('enables and forces row-level security on every table, and serves requests as a role that owns nothing and bypasses nothing', async () => {
    const tables = await asOwner<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(
      db.url,
      `SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'`,
    );
    expect(tables.map((t) => t.relname)).toEqual(expect.arrayContaining([...SYNC_TABLE_NAMES, 'orgs', 'devices', 'invites', 'sync_cursors', 'sync_rejections', 'sync_tombstones']));
    for (const t of tables) expect([t.relname, t.relrowsecurity, t.relforcerowsecurity]).toEqual([t.relname, true, true]);
    const columns = await asOwner<{ table_name: string }>(db.url, `SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'org_id'`);
    expect(new Set(columns.map((c) => c.table_name))).toEqual(new Set(tables.map((t) => t.relname)));
    const [role] = await asOwner<{ rolsuper: boolean; rolbypassrls: boolean }>(db.url, `SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = 'pitwall_app'`);
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false });
    const [{ user }] = (await server.pool.query<{ user: string }>(`SELECT current_user AS user`)).rows as [{ user: string }];
    expect(user).toBe('pitwall_app');
  });

  it('enrolls a device once per code, stores only hashes, and answers a revoked device with 401 device_removed', async () => {
    const org = await orgWithDevice(server);
    const stored = JSON.stringify(await asOwner(db.url, `SELECT * FROM devices WHERE org_id = $1`, [org.orgId]));
    expect(stored).not.toContain(org.deviceToken.split('.')[3]);
    const invite = await postJson(`${server.url}/v1/admin/invites`, { member: 'bo' }, org.adminToken);
    expect(invite.status).toBe(200);
    const code = invite.body.code as string;
    const first = await postJson(`${server.url}/v1/enroll`, { code, deviceName: 'desk', platform: 'linux-x64' });
    expect(first.status).toBe(200);
    const again = await postJson(`${server.url}/v1/enroll`, { code, deviceName: 'desk', platform: 'linux-x64' });
    expect(again).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining('already used') } } });
    const forged = await postJson(`${server.url}/v1/enroll`, { code: code.slice(0, -4) + 'AAAA', deviceName: 'x', platform: 'x' });
    expect(forged.status).toBe(404);
    const deviceToken = first.body.deviceToken as string;
    const deviceId = first.body.deviceId as string;
    const ok = await postJson(`${server.url}/v1/sync/push`, push(deviceId, [{ stream: 'messages', fromSeq: 1, toSeq: 1, rows: [{ seq: 1, row: message(randomUUID()) }] }]), deviceToken);
    expect(ok.status).toBe(200);
    const revoked = await postJson(`${server.url}/v1/admin/devices/revoke`, { deviceId }, org.adminToken);
    expect(revoked.status).toBe(200);
    const refused = await postJson(`${server.url}/v1/sync/push`, push(deviceId, [{ stream: 'messages', fromSeq: 2, toSeq: 2, rows: [] }]), deviceToken);
    expect(refused).toMatchObject({ status: 401, body: { error: { code: 'device_removed' } } });
    expect((await postJson(`${server.url}/v1/sync/push`, {}, 'pwd.nonsense')).status).toBe(401);
    expect((await postJson(`${server.url}/v1/sync/push`, {})).status).toBe(401);
  });

  it('answers duplicates with the cursor, applies only the new part of an overlap, refuses a gap with 409 and changes nothing', async () => {
    const org = await orgWithDevice(server);
    const ids = Array.from({ length: 6 }, () => randomUUID());
    const rows = ids.map((id, n) => ({ seq: n + 1, row: message(id) }));
    const first = await postJson(`${server.url}/v1/sync/push`, push(org.deviceId, [{ stream: 'messages', fromSeq: 1, toSeq: 3, rows: rows.slice(0, 3) }]), org.deviceToken);
    expect(first.body).toMatchObject({ streams: [{ stream: 'messages', ackedSeq: 3, status: 'applied', applied: 3, rejected: 0 }] });
    const dup = await postJson(`${server.url}/v1/sync/push`, push(org.deviceId, [{ stream: 'messages', fromSeq: 1, toSeq: 3, rows: rows.slice(0, 3) }]), org.deviceToken);
    expect(dup.body).toMatchObject({ streams: [{ ackedSeq: 3, status: 'duplicate', applied: 0 }] });
    const overlap = await postJson(`${server.url}/v1/sync/push`, push(org.deviceId, [{ stream: 'messages', fromSeq: 2, toSeq: 5, rows: rows.slice(1, 5) }]), org.deviceToken);
    expect(overlap.body).toMatchObject({ streams: [{ ackedSeq: 5, status: 'applied', applied: 2 }] });
    const gap = await postJson(
      `${server.url}/v1/sync/push`,
      push(org.deviceId, [
        { stream: 'sessions', fromSeq: 1, toSeq: 1, rows: [{ seq: 1, row: session(randomUUID(), 1, 'x') }] },
        { stream: 'messages', fromSeq: 9, toSeq: 9, rows: [{ seq: 9, row: message(randomUUID()) }] },
      ]),
      org.deviceToken,
    );
    expect(gap).toMatchObject({ status: 409, body: { error: { code: 'gap' }, cursors: [{ stream: 'sessions', ackedSeq: 0 }, { stream: 'messages', ackedSeq: 5 }] } });
    expect(await count('messages', org.orgId)).toBe(5);
    expect(await count('sessions', org.orgId)).toBe(0);
    expect(await asOwner(db.url, `SELECT stream FROM sync_cursors WHERE org_id = $1 ORDER BY stream`, [org.orgId])).toEqual([{ stream: 'messages' }]);
  });

  it('records poison rows in sync_rejections, counts them as processed, and keeps unknown fields in extra', async () => {
    const org = await orgWithDevice(server);
    const good = randomUUID();
    const res = await postJson(
      `${server.url}/v1/sync/push`,
      push(org.deviceId, [
        {
          stream: 'messages',
          fromSeq: 1,
          toSeq: 4,
          rows: [
            { seq: 1, row: { id: 'no-text', session_id: 's1' } },
            { seq: 2, row: message(good, { sentiment: 'calm', org_id: randomUUID() }) },
            { seq: 3, row: 'not an object' },
            { seq: 4, row: { ...message(randomUUID()), sequence: 'one' } },
          ],
        },
      ]),
      org.deviceToken,
    );
    expect(res.body).toMatchObject({ streams: [{ ackedSeq: 4, applied: 1, rejected: 3 }] });
    const rejections = await asOwner<{ device_seq: string; reason: string }>(db.url, `SELECT device_seq, reason FROM sync_rejections WHERE org_id = $1 ORDER BY device_seq`, [org.orgId]);
    expect(rejections.map((r) => Number(r.device_seq))).toEqual([1, 3, 4]);
    expect(rejections[2]!.reason).toContain('sequence');
    const [stored] = await asOwner<{ extra: unknown; org_id: string }>(db.url, `SELECT extra, org_id FROM messages WHERE id = $1`, [good]);
    // The org comes from the token: a row naming another org is stored under the pusher's.
    expect(stored).toEqual({ extra: { sentiment: 'calm' }, org_id: org.orgId });
  });

  it('takes protocol 2 positional rows: a bad value or a short row is recorded as rejected, a stub object passes through, unknown columns go to extra, a row repeated or deleted is skipped', async () => {
    const org = await orgWithDevice(server);
    const columns = ['id', 'created_at', 'updated_at', 'session_id', 'role', 'text', 'sequence', 'kind', 'mood'];
    const row = (seq: number, id: string, overrides: Record<number, unknown> = {}) => {
      const values: unknown[] = [seq, id, now, now, 's1', 'user', 'tabs\tand\nnew lines \\ kept', seq, 'text', 'calm'];
      for (const [at, v] of Object.entries(overrides)) values[Number(at)] = v;
      return values;
    };
    const [a, b, c, tombstoned] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await asOwner(db.url, `INSERT INTO sync_tombstones (org_id, tbl, row_id, device_id) VALUES ($1, 'messages', $2, $3)`, [org.orgId, tombstoned, org.deviceId]);
    const body = {
      ...push(org.deviceId, []),
      protocolVersion: 2,
      streams: [
        {
          stream: 'messages',
          fromSeq: 1,
          toSeq: 7,
          columns,
          rows: [
            row(1, a),
            row(2, randomUUID(), { 7: 'seven' }),
            [3, randomUUID(), now],
            { seq: 4, row: { id: 'too-big', __oversized: 7_000_000 } },
            row(5, b),
            row(6, a),
            row(7, tombstoned),
          ],
        },
      ],
    };
    const res = await postJson(`${server.url}/v1/sync/push`, body, org.deviceToken);
    expect(res.body).toMatchObject({ streams: [{ stream: 'messages', ackedSeq: 7, status: 'applied', applied: 2, rejected: 3 }] });
    const stored = await asOwner<{ id: string; text: string; sequence: string; extra: unknown }>(db.url, `SELECT id, text, sequence, extra FROM messages WHERE org_id = $1 ORDER BY device_seq`, [org.orgId]);
    expect(stored).toEqual([
      { id: a, text: 'tabs\tand\nnew lines \\ kept', sequence: '1', extra: { mood: 'calm' } },
      { id: b, text: 'tabs\tand\nnew lines \\ kept', sequence: '5', extra: { mood: 'calm' } },
    ]);
    const rejections = await asOwner<{ device_seq: string; reason: string }>(db.url, `SELECT device_seq, reason FROM sync_rejections WHERE org_id = $1 ORDER BY device_seq`, [org.orgId]);
    expect(rejections.map((r) => Number(r.device_seq))).toEqual([2, 3, 4]);
    expect(rejections[0]!.reason).toContain('sequence');
    expect(rejections[2]!.reason).toContain('7000000 bytes');
    // The next batch stages again on the same connection: nothing of the last one is left there.
    // A NUL character (Postgres text cannot hold one) is a poison row too, not a push that fails on every retry.
    const next = await postJson(
      `${server.url}/v1/sync/push`,
      { ...body, streams: [{ stream: 'messages', fromSeq: 8, toSeq: 9, columns, rows: [row(8, c), row(9, randomUUID(), { 6: 'binary \u0000 junk' })] }] },
      org.deviceToken,
    );
    expect(next.body).toMatchObject({ streams: [{ ackedSeq: 9, applied: 1, rejected: 1 }] });
    const [nul] = await asOwner<{ reason: string }>(db.url, `SELECT reason FROM sync_rejections WHERE org_id = $1 AND device_seq = 9`, [org.orgId]);
    expect(nul!.reason).toBe('text holds a NUL character, which Postgres cannot store');
    expect(await count('messages', org.orgId)).toBe(3);
    const v1WithColumns = await postJson(`${server.url}/v1/sync/push`, { ...body, protocolVersion: 1 }, org.deviceToken);
    expect(v1WithColumns).toMatchObject({ status: 400, body: { error: { code: 'bad_request', message: 'Positional rows (columns) need protocol 2' } } });
  });

  it('applies a mutable row only when it is newer, and lets only the device that made it change it', async () => {
    const org = await orgWithDevice(server);
    const other = await orgWithDevice(server, 'Acme 2');
    const id = randomUUID();
    const send = (o: typeof org, seq: number, version: number, title: string) =>
      postJson(`${server.url}/v1/sync/push`, push(o.deviceId, [{ stream: 'sessions', fromSeq: seq, toSeq: seq, rows: [{ seq, row: session(id, version, title) }] }]), o.deviceToken);
    await send(org, 1, 3, 'three');
    await send(org, 2, 2, 'two (stale)');
    expect(await asOwner(db.url, `SELECT title, version FROM sessions WHERE id = $1`, [id])).toEqual([{ title: 'three', version: '3' }]);
    await send(org, 3, 4, 'four');
    expect(await asOwner(db.url, `SELECT title FROM sessions WHERE id = $1 AND org_id = $2`, [id, org.orgId])).toEqual([{ title: 'four' }]);
    // Another org's device with the same id writes its own row, in its own org.
    await send(other, 1, 9, 'other org');
    expect(await asOwner(db.url, `SELECT title FROM sessions WHERE id = $1 AND org_id = $2`, [id, org.orgId])).toEqual([{ title: 'four' }]);
  });

  it('refuses text fields for a metadata-only team', async () => {
    const org = await orgWithDevice(server, 'Quiet', 'metadata');
    const res = await postJson(
      `${server.url}/v1/sync/push`,
      push(org.deviceId, [{ stream: 'messages', fromSeq: 1, toSeq: 2, rows: [{ seq: 1, row: message(randomUUID()) }, { seq: 2, row: message(randomUUID(), { text: '' }) }] }]),
      org.deviceToken,
    );
    expect(res.body).toMatchObject({ streams: [{ applied: 1, rejected: 1 }], contentLevel: 'metadata' });
    const [rejection] = await asOwner<{ reason: string; row: string }>(db.url, `SELECT reason, row FROM sync_rejections WHERE org_id = $1`, [org.orgId]);
    expect(rejection!.reason).toContain('metadata only');
    expect(rejection!.row).not.toContain('text of');
  });

  it('answers bad input with a 4xx and a reason, and changes nothing', async () => {
    const org = await orgWithDevice(server);
    const url = `${server.url}/v1/sync/push`;
    const cases: [unknown, number, string][] = [
      [{ nonsense: true }, 400, 'streams'],
      [push(org.deviceId, []), 400, 'no streams'],
      [push(randomUUID(), [{ stream: 'messages', fromSeq: 1, toSeq: 1, rows: [] }]), 400, 'does not match'],
      [push(org.deviceId, [{ stream: 'passwords', fromSeq: 1, toSeq: 1, rows: [] }]), 400, 'unknown stream'],
      [push(org.deviceId, [{ stream: 'messages', fromSeq: 3, toSeq: 1, rows: [] }]), 400, 'fromSeq'],
      [push(org.deviceId, [{ stream: 'messages', fromSeq: 1, toSeq: 2, rows: [{ seq: 2, row: message(randomUUID()) }, { seq: 1, row: message(randomUUID()) }] }]), 400, 'rise'],
      [{ ...push(org.deviceId, [{ stream: 'messages', fromSeq: 1, toSeq: 1, rows: [] }]), protocolVersion: 99 }, 400, 'Protocol 99'],
    ];
    for (const [body, status, reason] of cases) {
      const res = await postJson(url, body, org.deviceToken);
      expect([res.status, JSON.stringify(res.body)]).toEqual([status, expect.stringContaining(reason)]);
    }
    expect((await postJson(url, null, org.deviceToken, '{"protocolVersion": 1,')).status).toBe(400);
    const big = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${org.deviceToken}` }, body: 'x'.repeat(33 * 1024 * 1024) });
    expect(big.status).toBe(413);
    expect(await count('messages', org.orgId)).toBe(0);
    expect(await asOwner(db.url, `SELECT * FROM sync_cursors WHERE org_id = $1`, [org.orgId])).toEqual([]);
  });

  it('keeps the app role inside its organisation: no reading another org, no turning RLS off', async () => {
    const a = await orgWithDevice(server, 'A');
    const b = await orgWithDevice(server, 'B');
    await postJson(`${server.url}/v1/sync/push`, push(b.deviceId, [{ stream: 'messages', fromSeq: 1, toSeq: 1, rows: [{ seq: 1, row: message(randomUUID()) }] }]), b.deviceToken);
    const client = new pg.Client({ connectionString: appUrlFor(db.url, undefined).url });
    await client.connect();
    try {
      expect((await client.query(`SELECT current_user AS u`)).rows).toEqual([{ u: 'pitwall_app' }]);
      // No org set: nothing is visible, nothing can be written.
      expect((await client.query(`SELECT count(*)::int AS n FROM messages`)).rows).toEqual([{ n: 0 }]);
      await client.query('BEGIN');
      await client.query(`SELECT set_config('app.org_id', $1, true)`, [a.orgId]);
      expect((await client.query(`SELECT count(*)::int AS n FROM messages WHERE org_id = $1`, [b.orgId])).rows).toEqual([{ n: 0 }]);
      await expect(client.query(`INSERT INTO messages (org_id, device_id, device_seq, id, created_at, updated_at, session_id, role, text, sequence, kind) VALUES ($1, $2, 1, 'x', 1, 1, 's', 'user', 't', 1, 'text')`, [b.orgId, b.deviceId])).rejects.toThrow(/row-level security/);
      await client.query('ROLLBACK');
      await expect(client.query(`ALTER TABLE messages DISABLE ROW LEVEL SECURITY`)).rejects.toThrow(/must be owner/);
      await expect(client.query(`ALTER TABLE messages NO FORCE ROW LEVEL SECURITY`)).rejects.toThrow(/must be owner/);
      await expect(client.query(`DROP POLICY org_isolation ON messages`)).rejects.toThrow(/must be owner/);
      await client.query(`SET row_security = off`);
      await expect(client.query(`SELECT count(*) FROM messages`)).rejects.toThrow(/row-level security/);
      await client.query(`RESET row_security`);
      await expect(client.query(`SET ROLE postgres`)).rejects.toThrow(/permission denied/);
    } finally {
      await client.end();
    }
  });

  it('revokes a device through the admin function too', async () => {
    const org = await orgWithDevice(server);
    expect(await revokeDevice(server.pool, org.orgId, org.deviceId)).toBe(true);
    const res = await postJson(`${server.url}/v1/sync/push`, push(org.deviceId, [{ stream: 'messages', fromSeq: 1, toSeq: 1, rows: [] }]), org.deviceToken);
    expect(res.body).toMatchObject({ error: { code: 'device_removed', message: 'This device was removed from the team' } });
  });
});

describe('npm run team-server', () => {
  it('prints its options for --help and exits, and names an unknown option', async () => {
    const help = await runTeamServerCommand(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--database-url');
    expect(help.stdout).toContain('device invite');
    const unknown = await runTeamServerCommand(['--databse-url', 'postgres://x']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown option --databse-url');
    const missing = await runTeamServerCommand([], { ...process.env, PITWALL_DATABASE_URL: '' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--database-url');
  });

  it('creates an organisation, invites a device with the admin token from the environment, and lists it', async () => {
    const created = await runTeamServerCommand(['org', 'create', 'Night', 'Shift', '--database-url', db.url]);
    expect(created.code).toBe(0);
    const token = /^(pwa\.\S+)$/m.exec(created.stdout)![1]!;
    const env = { ...process.env, PITWALL_ADMIN_TOKEN: token, PITWALL_DATABASE_URL: db.url };
    const invited = await runTeamServerCommand(['device', 'invite', '--member', 'cy'], env);
    expect(invited.code).toBe(0);
    const code = /^(pwe\.\S+)$/m.exec(invited.stdout)![1]!;
    const enrolled = await postJson(`${server.url}/v1/enroll`, { code, deviceName: 'cy-laptop', platform: 'darwin-arm64' });
    expect(enrolled.body).toMatchObject({ orgName: 'Night Shift' });
    const listed = await runTeamServerCommand(['device', 'list'], env);
    expect(listed.stdout).toContain('cy-laptop');
    const noToken = await runTeamServerCommand(['device', 'list'], { ...env, PITWALL_ADMIN_TOKEN: '' });
    expect(noToken.code).toBe(2);
  });
});
