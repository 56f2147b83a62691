import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { ContentLevel } from '../src-common/sync/protocol';
import { withOrg } from './database';
import { mintToken, parseToken, secretMatches } from './tokens';

/** An authentication failure: the HTTP layer answers 401 with its code. */
export class AuthError extends Error {
  constructor(
    readonly code: 'unauthorized' | 'device_removed',
    message: string,
  ) {
    super(message);
  }
}

/** A refused admin or enrollment request (404 for a code that does not exist, 400 otherwise). */
export class RefusedError extends Error {
  constructor(
    readonly code: 'bad_request' | 'not_found',
    message: string,
  ) {
    super(message);
  }
}

/** Creates an organisation and its first admin; answers the admin token (shown once). */
export async function createOrg(pool: pg.Pool, name: string, contentLevel: ContentLevel, adminName = 'admin'): Promise<{ orgId: string; adminToken: string }> {
  const orgId = randomUUID();
  const memberId = randomUUID();
  const tokenId = randomUUID();
  const { token, hash } = mintToken('admin', orgId, tokenId);
  await withOrg(pool, orgId, async (client) => {
    await client.query(`INSERT INTO orgs (org_id, name, content_level) VALUES ($1, $2, $3)`, [orgId, name, contentLevel]);
    await client.query(`INSERT INTO members (org_id, id, name, role) VALUES ($1, $2, $3, 'admin')`, [orgId, memberId, adminName]);
    await client.query(`INSERT INTO admin_tokens (org_id, id, member_id, token_hash) VALUES ($1, $2, $3, $4)`, [orgId, tokenId, memberId, hash]);
  });
  return { orgId, adminToken: token };
}

/** The organisation an admin token belongs to; throws {@link AuthError} for anything else. */
export async function authenticateAdmin(pool: pg.Pool, token: unknown): Promise<{ orgId: string; memberId: string }> {
  const parsed = parseToken(token, 'admin');
  if (!parsed) throw new AuthError('unauthorized', 'An admin token is required');
  const row = await withOrg(pool, parsed.orgId, async (client) =>
    (await client.query<{ token_hash: string; member_id: string; revoked_at: Date | null }>(`SELECT token_hash, member_id, revoked_at FROM admin_tokens WHERE id = $1`, [parsed.id])).rows[0],
  );
  if (!row || row.revoked_at || !secretMatches(parsed.secret, row.token_hash)) throw new AuthError('unauthorized', 'That admin token is not valid');
  return { orgId: parsed.orgId, memberId: row.member_id };
}

/** A one-time enrollment code for a member's new device (the member is created if new). */
export async function createInvite(pool: pg.Pool, orgId: string, memberName: string, ttlHours: number): Promise<{ code: string; expiresAt: Date }> {
  const inviteId = randomUUID();
  const { token, hash } = mintToken('invite', orgId, inviteId);
  const expiresAt = new Date(Date.now() + ttlHours * 3_600_000);
  await withOrg(pool, orgId, async (client) => {
    const member = await client.query<{ id: string }>(
      `INSERT INTO members (org_id, id, name, role) VALUES ($1, $2, $3, 'member') ON CONFLICT (org_id, name) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
      [orgId, randomUUID(), memberName],
    );
    await client.query(`INSERT INTO invites (org_id, id, member_id, code_hash, expires_at) VALUES ($1, $2, $3, $4, $5)`, [orgId, inviteId, member.rows[0]!.id, hash, expiresAt]);
  });
  return { code: token, expiresAt };
}

/** Trades an enrollment code for a device token; the code works once. */
export async function enrollDevice(
  pool: pg.Pool,
  code: string,
  device: { name: string; platform: string; startCursors: { stream: string; ackedSeq: number }[] },
): Promise<{ orgId: string; orgName: string; deviceId: string; deviceToken: string; contentLevel: ContentLevel }> {
  const parsed = parseToken(code, 'invite');
  if (!parsed) throw new RefusedError('bad_request', 'That is not an enrollment code. Ask your team admin for a new one.');
  const deviceId = randomUUID();
  const { token, hash } = mintToken('device', parsed.orgId, deviceId);
  return withOrg(pool, parsed.orgId, async (client) => {
    const invite = (
      await client.query<{ code_hash: string; member_id: string; used_at: Date | null; expires_at: Date }>(
        `SELECT code_hash, member_id, used_at, expires_at FROM invites WHERE id = $1 FOR UPDATE`,
        [parsed.id],
      )
    ).rows[0];
    if (!invite || !secretMatches(parsed.secret, invite.code_hash)) throw new RefusedError('not_found', 'That enrollment code is not known to this team server.');
    if (invite.used_at) throw new RefusedError('bad_request', 'That enrollment code was already used. Ask your team admin for a new one.');
    if (invite.expires_at.getTime() < Date.now()) throw new RefusedError('bad_request', 'That enrollment code has expired. Ask your team admin for a new one.');
    const org = (await client.query<{ name: string; content_level: ContentLevel }>(`SELECT name, content_level FROM orgs WHERE org_id = $1`, [parsed.orgId])).rows[0];
    if (!org) throw new RefusedError('not_found', 'That team no longer exists.');
    await client.query(`INSERT INTO devices (org_id, id, member_id, name, platform, token_hash) VALUES ($1, $2, $3, $4, $5, $6)`, [
      parsed.orgId,
      deviceId,
      invite.member_id,
      device.name,
      device.platform,
      hash,
    ]);
    await client.query(`UPDATE invites SET used_at = now(), device_id = $2 WHERE id = $1`, [parsed.id, deviceId]);
    if (device.startCursors.length > 0) {
      await client.query(
        `INSERT INTO sync_cursors (org_id, device_id, stream, acked_seq) SELECT $1::uuid, $2::uuid, c.stream, c.acked_seq FROM json_to_recordset($3::json) AS c(stream text, acked_seq bigint)`,
        [parsed.orgId, deviceId, JSON.stringify(device.startCursors.map((c) => ({ stream: c.stream, acked_seq: c.ackedSeq })))],
      );
    }
    return { orgId: parsed.orgId, orgName: org.name, deviceId, deviceToken: token, contentLevel: org.content_level };
  });
}

/** The device a token belongs to, and its team's content level; a revoked device gets `device_removed`. */
export async function authenticateDevice(pool: pg.Pool, token: unknown): Promise<{ orgId: string; deviceId: string; contentLevel: ContentLevel }> {
  const parsed = parseToken(token, 'device');
  if (!parsed) throw new AuthError('unauthorized', 'A device token is required');
  const row = await withOrg(pool, parsed.orgId, async (client) =>
    (
      await client.query<{ token_hash: string; revoked_at: Date | null; content_level: ContentLevel }>(
        `SELECT d.token_hash, d.revoked_at, o.content_level FROM devices d JOIN orgs o ON o.org_id = d.org_id WHERE d.id = $1`,
        [parsed.id],
      )
    ).rows[0],
  );
  if (!row || !secretMatches(parsed.secret, row.token_hash)) throw new AuthError('unauthorized', 'This device token is not known to the team server');
  if (row.revoked_at) throw new AuthError('device_removed', 'This device was removed from the team');
  return { orgId: parsed.orgId, deviceId: parsed.id, contentLevel: row.content_level };
}

/** A device, for admins. */
export interface DeviceInfo {
  id: string;
  name: string;
  platform: string;
  member: string;
  createdAt: string;
  lastSeenAt: string | null;
  revokedAt: string | null;
}

export async function listDevices(pool: pg.Pool, orgId: string): Promise<DeviceInfo[]> {
  return withOrg(pool, orgId, async (client) =>
    (
      await client.query<{ id: string; name: string; platform: string; member: string; created_at: Date; last_seen_at: Date | null; revoked_at: Date | null }>(
        `SELECT d.id, d.name, d.platform, m.name AS member, d.created_at, d.last_seen_at, d.revoked_at FROM devices d JOIN members m ON m.org_id = d.org_id AND m.id = d.member_id ORDER BY d.created_at`,
      )
    ).rows.map((r) => ({
      id: r.id,
      name: r.name,
      platform: r.platform,
      member: r.member,
      createdAt: r.created_at.toISOString(),
      lastSeenAt: r.last_seen_at?.toISOString() ?? null,
      revokedAt: r.revoked_at?.toISOString() ?? null,
    })),
  );
}

/** Revokes a device: its pushes get 401 `device_removed` from now on; its rows stay. */
export async function revokeDevice(pool: pg.Pool, orgId: string, deviceId: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/.test(deviceId)) throw new RefusedError('bad_request', 'Give a device id (see device list)');
  return withOrg(pool, orgId, async (client) => ((await client.query(`UPDATE devices SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1`, [deviceId])).rowCount ?? 0) > 0);
}
