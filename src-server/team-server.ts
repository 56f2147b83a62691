import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { z } from 'zod';
import { formatZodError } from '../src-common/format-zod-error';
import {
  MAX_BODY_BYTES,
  MIN_SYNC_SCHEMA_VERSION,
  PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
  SYNC_SCHEMA_VERSION,
  enrollRequestSchema,
  pushEnvelopeSchema,
  type ServerError,
} from '../src-common/sync/protocol';
import { AuthError, RefusedError, authenticateAdmin, authenticateDevice, createInvite, enrollDevice, listDevices, revokeDevice } from './admin';
import { appPool, appUrlFor, isUnavailable, prepareDatabase } from './database';
import { applyPush } from './push';
import { bearer } from './tokens';

/** Options for {@link startTeamServer}. */
export interface TeamServerOptions {
  /** Owner role: migrations and role setup. */
  databaseUrl: string;
  /** The role requests run as; by default a managed `pitwall_app` role. */
  appDatabaseUrl?: string | undefined;
  port: number;
  host: string;
  tls?: { cert: string; key: string } | undefined;
  poolSize?: number;
  statementTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Skip migrations (an operator who runs them separately). */
  migrate?: boolean;
}

/** A running team server. */
export interface RunningTeamServer {
  readonly url: string;
  readonly port: number;
  readonly pool: pg.Pool;
  dispose(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ServerError['error']['code'],
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, code: ServerError['error']['code'], message: string, extra: Partial<ServerError> = {}): void {
  send(res, status, { error: { code, message }, ...extra });
}

/** Reads a JSON body of at most `limit` bytes; a larger one is refused with 413 without reading it all. */
function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const type = req.headers['content-type'] ?? '';
    if (!/^application\/json\b/i.test(type)) {
      req.resume();
      reject(new HttpError(415, 'bad_request', 'Send JSON (content-type: application/json)'));
      return;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      req.resume();
      reject(new HttpError(413, 'too_large', `The body is ${declared} bytes; at most ${limit} are accepted`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        reject(new HttpError(413, 'too_large', `The body is larger than ${limit} bytes`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new HttpError(400, 'bad_request', 'The body is not valid JSON'));
      }
    });
    req.on('error', (error) => {
      if (!done) {
        done = true;
        reject(error);
      }
    });
  });
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new HttpError(400, 'bad_request', formatZodError(parsed.error));
  return parsed.data;
}

const inviteSchema = z.object({ member: z.string().trim().min(1).max(200), expiresInHours: z.number().min(0.01).max(24 * 365).default(72) }).strict();
const revokeSchema = z.object({ deviceId: z.string().uuid() }).strict();

/**
 * The team server: prepares Postgres (as the owner), then serves the push, enrollment and admin
 * endpoints as the app role. Stateless: run as many as needed behind a load balancer.
 */
export async function startTeamServer(options: TeamServerOptions): Promise<RunningTeamServer> {
  const app = appUrlFor(options.databaseUrl, options.appDatabaseUrl);
  if (options.migrate !== false) await prepareDatabase(options.databaseUrl, app);
  const pool = appPool(app.url, {
    max: options.poolSize ?? 10,
    statementTimeoutMs: options.statementTimeoutMs ?? 30_000,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://team.invalid');
    const key = `${req.method} ${url.pathname}`;
    switch (key) {
      case 'GET /v1/health':
        return send(res, 200, { ok: true, protocolVersion: PROTOCOL_VERSION, protocolVersions: SUPPORTED_PROTOCOL_VERSIONS, schemaVersions: [MIN_SYNC_SCHEMA_VERSION, SYNC_SCHEMA_VERSION] });
      case 'POST /v1/enroll': {
        const body = parseWith(enrollRequestSchema, await readJson(req, 64 * 1024));
        return send(res, 200, await enrollDevice(pool, body.code, { name: body.deviceName, platform: body.platform, startCursors: body.startCursors }));
      }
      case 'POST /v1/sync/push': {
        // Authenticated before the body is read: a stranger cannot make the server read 32 MiB.
        const auth = await authenticateDevice(pool, bearer(req.headers.authorization));
        const envelope = parseWith(pushEnvelopeSchema, await readJson(req, MAX_BODY_BYTES));
        if (!SUPPORTED_PROTOCOL_VERSIONS.includes(envelope.protocolVersion)) {
          throw new HttpError(400, 'unsupported_version', `Protocol ${envelope.protocolVersion} is not supported; this server speaks ${SUPPORTED_PROTOCOL_VERSIONS.join(' and ')}`);
        }
        if (envelope.protocolVersion < 2 && envelope.streams.some((s) => s.columns)) throw new HttpError(400, 'bad_request', 'Positional rows (columns) need protocol 2');
        if (envelope.schemaVersion < MIN_SYNC_SCHEMA_VERSION) {
          throw new HttpError(400, 'unsupported_version', `Row schema ${envelope.schemaVersion} is too old for this server (oldest ${MIN_SYNC_SCHEMA_VERSION}): update Pitwall`);
        }
        if (envelope.deviceId !== auth.deviceId) throw new HttpError(400, 'bad_request', 'deviceId does not match the device token');
        const outcome = await applyPush(pool, auth, envelope);
        if (outcome.kind === 'bad') throw new HttpError(400, 'bad_request', outcome.message);
        if (outcome.kind === 'gap') return sendError(res, 409, 'gap', outcome.message, { cursors: outcome.cursors });
        return send(res, 200, outcome.response);
      }
      case 'POST /v1/admin/invites': {
        const admin = await authenticateAdmin(pool, bearer(req.headers.authorization));
        const body = parseWith(inviteSchema, await readJson(req, 16 * 1024));
        const invite = await createInvite(pool, admin.orgId, body.member, body.expiresInHours);
        return send(res, 200, { code: invite.code, expiresAt: invite.expiresAt.toISOString() });
      }
      case 'GET /v1/admin/devices': {
        const admin = await authenticateAdmin(pool, bearer(req.headers.authorization));
        return send(res, 200, { devices: await listDevices(pool, admin.orgId) });
      }
      case 'POST /v1/admin/devices/revoke': {
        const admin = await authenticateAdmin(pool, bearer(req.headers.authorization));
        const body = parseWith(revokeSchema, await readJson(req, 16 * 1024));
        if (!(await revokeDevice(pool, admin.orgId, body.deviceId))) throw new HttpError(404, 'not_found', 'No such device in this team');
        return send(res, 200, { revoked: body.deviceId });
      }
      default:
        req.resume();
        return sendError(res, 404, 'not_found', `No ${req.method} ${url.pathname} here`);
    }
  }

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    route(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) return sendError(res, error.status, error.code, error.message);
      if (error instanceof AuthError) return sendError(res, 401, error.code, error.message);
      if (error instanceof RefusedError) return sendError(res, error.code === 'not_found' ? 404 : 400, error.code, error.message);
      if (isUnavailable(error)) {
        console.error('[team-server] database unavailable:', (error as Error).message);
        return sendError(res, 503, 'unavailable', 'The team database is not available; try again later');
      }
      console.error('[team-server] request failed', error);
      sendError(res, 500, 'internal', 'Internal error');
    });
  };
  const server = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, handler) : http.createServer(handler);
  server.headersTimeout = 30_000;
  server.requestTimeout = 120_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => resolve());
    });
  } catch (error) {
    await pool.end();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  return {
    url: `${options.tls ? 'https' : 'http'}://${host}:${port}`,
    port,
    pool,
    async dispose() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await pool.end();
    },
  };
}

/** Reads a TLS certificate and key from files, with a clear error for a missing one. */
export function readTls(certFile: string | undefined, keyFile: string | undefined): { cert: string; key: string } | undefined {
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) throw new Error('Give both --tls-cert and --tls-key (or neither)');
  return { cert: fs.readFileSync(certFile, 'utf8'), key: fs.readFileSync(keyFile, 'utf8') };
}
