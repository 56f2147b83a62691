import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Result } from '../../src-common/result';
import type { EventBus } from '../events/event-bus';
import type { Router } from '../ipc/router';
import type { Disposable } from '../lifecycle';
import { TOKEN_COOKIE, isAuthorized, isLoopbackHost, tokensEqual } from './auth';
import { serveStatic } from './static-files';

const MAX_BODY = 4 * 1024 * 1024;

/** Options for {@link startHttpServer}. */
export interface HttpServerOptions {
  router: Router;
  events: EventBus;
  token: string;
  /** 0 picks a free port. */
  port: number;
  /** Built renderer folder (index.html and assets). */
  staticDir: string;
}

/** A running headless HTTP server. */
export interface RunningHttpServer extends Disposable {
  readonly port: number;
  /** The URL to open: carries the token once; the page then keeps it in a cookie. */
  readonly url: string;
}

function sendJson(res: ServerResponse, status: number, body: Result<unknown>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendStatus(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * The headless shell's server on 127.0.0.1 only: `POST /rpc/<channel>`, events over the `/events`
 * WebSocket, and the built renderer. Every request needs the token (bearer header or cookie; a page
 * URL's `?token=` sets the cookie); anything else gets 401 and nothing more.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const { router, events, token, staticDir } = options;
  let port = options.port;

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      console.error('[http] request failed', error);
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'internal', message: 'Internal error', retryable: true } });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isLoopbackHost(req, port)) return sendStatus(res, 403, 'Forbidden host');
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);

    // Opening the printed URL: trade the query token for a cookie, then drop it from the address bar.
    const queryToken = url.searchParams.get('token');
    if (req.method === 'GET' && queryToken !== null) {
      if (!tokensEqual(token, queryToken)) return sendStatus(res, 401, 'Unauthorized');
      url.searchParams.delete('token');
      res.writeHead(303, {
        location: url.pathname + (url.search || ''),
        'set-cookie': `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`,
        'cache-control': 'no-store',
      });
      return void res.end();
    }
    if (!isAuthorized(req, token)) return sendStatus(res, 401, 'Unauthorized');

    if (url.pathname.startsWith('/rpc/')) {
      if (req.method !== 'POST') return sendStatus(res, 405, 'Use POST');
      const channel = decodeURIComponent(url.pathname.slice('/rpc/'.length));
      const body = await readBody(req);
      if (body === null) {
        return sendJson(res, 413, { ok: false, error: { code: 'invalid_request', message: `Request body is over ${MAX_BODY} bytes`, retryable: false } });
      }
      let request: unknown = {};
      if (body.trim().length > 0) {
        try {
          request = JSON.parse(body);
        } catch {
          return sendJson(res, 400, { ok: false, error: { code: 'invalid_request', message: 'Request body is not valid JSON', retryable: false } });
        }
      }
      const result = await router.dispatch(channel, request);
      const status = !result.ok && result.error.code === 'unknown_channel' ? 404 : 200;
      return sendJson(res, status, result);
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return sendStatus(res, 405, 'Method not allowed');
    if (!serveStatic(staticDir, url.pathname, res)) sendStatus(res, 404, 'Not found');
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const sockets = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const origin = req.headers.origin;
    const originOk = origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
    const authorized = isAuthorized(req, token) || tokensEqual(token, url.searchParams.get('token'));
    if (!isLoopbackHost(req, port) || !originOk || !authorized || url.pathname !== '/events') {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('error', () => sockets.delete(ws));
    });
  });
  const forwarding = events.onAny((event, payload) => {
    const message = JSON.stringify({ event, payload });
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(message);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    url: `http://127.0.0.1:${port}/?token=${encodeURIComponent(token)}`,
    async dispose() {
      await forwarding.dispose();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
