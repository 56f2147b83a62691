import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import type { Result } from '../../src-common/result';
import type { OutputFlow } from '../agents/output-flow';
import type { EventBus } from '../events/event-bus';
import type { Router } from '../ipc/router';
import type { Disposable } from '../lifecycle';
import { WEB_EVENTS_PROTOCOL } from '../../src-common/ipc-names';
import { bearerToken, isLoopbackHost, isOwnOrigin, offeredProtocols, protocolToken, tokensEqual } from './auth';
import { mediaType, parseRequestTarget } from './request-target';
import { serveStatic } from './static-files';

/** Largest `/rpc` request body taken, in bytes. */
export const MAX_BODY = 4 * 1024 * 1024;
// After a 413, what the client still sends is read and dropped (up to this much, for this long)
// so that closing the connection does not reset it before the client has read the answer.
const DRAIN_LIMIT = 64 * 1024 * 1024;
const DRAIN_MS = 10_000;
/** A client with more than this much unsent on its socket holds the terminals it watches (their ptys pause)... */
export const BEHIND_BYTES = 1024 * 1024;
/** ...until it is down to this much. */
const CAUGHT_UP_BYTES = 256 * 1024;

/** What a client sends on `/events`: which terminals' output it wants (`sessions:output` goes only to those). */
const clientMessageSchema = z.object({ type: z.enum(['watch', 'unwatch']), sessionId: z.string().min(1).max(200) }).strict();

/** A connected `/events` client: the terminals it watches and those whose output it holds back. */
interface EventClient {
  watching: Set<string>;
  holding: Set<string>;
}

/** Options for {@link startHttpServer}. */
export interface HttpServerOptions {
  router: Router;
  events: EventBus;
  token: string;
  /** 0 picks a free port. */
  port: number;
  /** Built renderer folder (index.html and assets). */
  staticDir: string;
  /** Where a client that falls behind on a terminal's output holds it (pauses its pty). */
  outputFlow?: OutputFlow;
}

/** A running headless HTTP server. */
export interface RunningHttpServer extends Disposable {
  readonly port: number;
  /** The URL to open: the token rides in the fragment, which the browser never sends anywhere. */
  readonly url: string;
}

type ErrorBody = Result<never>;

function errorBody(code: 'invalid_request' | 'unauthorized' | 'internal', message: string): ErrorBody {
  return { ok: false, error: { code, message, retryable: code === 'internal' } };
}

function jsonHeaders(length: number): http.OutgoingHttpHeaders {
  return { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'content-length': length };
}

function sendJson(res: ServerResponse, status: number, body: Result<unknown>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, jsonHeaders(Buffer.byteLength(text)));
  res.end(text);
}

function sendStatus(res: ServerResponse, status: number, text: string, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

type Body = { kind: 'ok'; text: string } | { kind: 'too-large' } | { kind: 'aborted' };

/** Reads a request body up to {@link MAX_BODY}; stops collecting (but leaves the stream to the caller) past it. */
function readBody(req: IncomingMessage): Promise<Body> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY) return Promise.resolve({ kind: 'too-large' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (body: Body): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('close', onAbort);
      resolve(body);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > MAX_BODY) return done({ kind: 'too-large' });
      chunks.push(chunk);
    };
    const onEnd = (): void => done({ kind: 'ok', text: Buffer.concat(chunks).toString('utf8') });
    const onAbort = (): void => done({ kind: 'aborted' });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('close', onAbort);
  });
}

/**
 * Answers 413 with a JSON error and `Connection: close`, then reads and drops the rest of the
 * body before closing: closing with unread data would reset the connection, and a client still
 * sending would get the reset instead of the answer.
 */
function refuseBody(req: IncomingMessage, res: ServerResponse): void {
  const text = JSON.stringify(errorBody('invalid_request', `The request body is over the limit of ${MAX_BODY} bytes.`));
  res.writeHead(413, { ...jsonHeaders(Buffer.byteLength(text)), connection: 'close' });
  res.write(text);
  let drained = 0;
  let finished = false;
  const finish = (): void => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    req.off('data', onData);
    res.end();
  };
  const onData = (chunk: Buffer): void => {
    drained += chunk.length;
    if (drained > DRAIN_LIMIT) finish();
  };
  const timer = setTimeout(finish, DRAIN_MS);
  req.on('data', onData);
  req.once('end', finish);
  req.once('close', finish);
  req.on('error', finish);
  req.resume();
}

/** Ends a refused WebSocket handshake with a plain HTTP answer. */
function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  if (!socket.writable) return void socket.destroy();
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? 'Error'}\r\n` +
      `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}

/**
 * The headless shell's server on 127.0.0.1 only: `POST /rpc/<channel>`, events over the `/events`
 * WebSocket, and the built renderer (which holds no secret and is served to anyone who asks).
 * `/rpc` and `/events` need the token (Authorization: Bearer, or on `/events` a
 * `pitwall.token.<token>` subprotocol) and a request from Pitwall's own origin or from no page.
 * Everything read before that is parsed totally: a bad request gets 4xx, never a throw.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const { router, events, token, staticDir, outputFlow } = options;
  let port = options.port;

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('[http] request failed', error);
      if (!res.headersSent) sendJson(res, 500, errorBody('internal', 'Internal error'));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isLoopbackHost(req, port)) return sendStatus(res, 403, 'Forbidden host');
    const target = parseRequestTarget(req.url);
    if (!target.ok) return sendStatus(res, 400, target.reason);

    if (target.path === '/rpc' || target.path.startsWith('/rpc/')) {
      if (req.method !== 'POST') return sendStatus(res, 405, 'Use POST', { allow: 'POST' });
      if (!isOwnOrigin(req, port)) return sendStatus(res, 403, 'Forbidden origin');
      if (!tokensEqual(token, bearerToken(req))) return sendStatus(res, 401, 'Unauthorized');
      if (mediaType(req.headers['content-type']) !== 'application/json') {
        return sendJson(res, 415, errorBody('invalid_request', 'Send the request as application/json.'));
      }
      const body = await readBody(req);
      if (body.kind === 'aborted') return void res.destroy();
      if (body.kind === 'too-large') return refuseBody(req, res);
      let request: unknown = {};
      if (body.text.trim().length > 0) {
        try {
          request = JSON.parse(body.text);
        } catch {
          return sendJson(res, 400, errorBody('invalid_request', 'Request body is not valid JSON'));
        }
      }
      const result = await router.dispatch(target.path.slice('/rpc/'.length), request);
      const status = !result.ok && result.error.code === 'unknown_channel' ? 404 : 200;
      return sendJson(res, status, result);
    }
    if (target.path === '/events') return sendStatus(res, 426, 'Open /events as a WebSocket', { upgrade: 'websocket', connection: 'Upgrade' });

    if (req.method !== 'GET' && req.method !== 'HEAD') return sendStatus(res, 405, 'Method not allowed', { allow: 'GET, HEAD' });
    if (!serveStatic(staticDir, target.path, req.method, res)) sendStatus(res, 404, 'Not found');
  }

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    // Answer with the event protocol, never echo the token one.
    handleProtocols: (protocols) => (protocols.has(WEB_EVENTS_PROTOCOL) ? WEB_EVENTS_PROTOCOL : false),
  });
  const sockets = new Map<WebSocket, EventClient>();

  /** Lets go of what a client held once its socket has room again (or it is gone). */
  function release(ws: WebSocket, client: EventClient): void {
    if (client.holding.size === 0) return;
    if (ws.readyState === ws.OPEN && ws.bufferedAmount > CAUGHT_UP_BYTES) return;
    for (const sessionId of client.holding) outputFlow?.hold(sessionId, client, false);
    client.holding.clear();
  }

  function onClientMessage(ws: WebSocket, client: EventClient, raw: unknown): void {
    let message: z.infer<typeof clientMessageSchema>;
    try {
      const parsed = clientMessageSchema.safeParse(JSON.parse(String(raw)));
      if (!parsed.success) return;
      message = parsed.data;
    } catch {
      return;
    }
    if (message.type === 'watch') client.watching.add(message.sessionId);
    else {
      client.watching.delete(message.sessionId);
      if (client.holding.delete(message.sessionId)) outputFlow?.hold(message.sessionId, client, false);
    }
    // Acknowledged in order with the output: what follows the answer is all of the terminal's output from then on.
    ws.send(JSON.stringify({ ack: message.type, sessionId: message.sessionId }));
  }

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (!isLoopbackHost(req, port)) return refuseUpgrade(socket, 403, 'Forbidden host');
    const target = parseRequestTarget(req.url);
    if (!target.ok) return refuseUpgrade(socket, 400, target.reason);
    if (target.path !== '/events') return refuseUpgrade(socket, 404, 'Not found');
    if (!isOwnOrigin(req, port)) return refuseUpgrade(socket, 403, 'Forbidden origin');
    const protocols = offeredProtocols(req.headers['sec-websocket-protocol']);
    if (protocols === null) return refuseUpgrade(socket, 400, 'Malformed Sec-WebSocket-Protocol');
    if (protocols.length > 0 && !protocols.includes(WEB_EVENTS_PROTOCOL)) return refuseUpgrade(socket, 400, `Offer the ${WEB_EVENTS_PROTOCOL} subprotocol`);
    if (!tokensEqual(token, protocolToken(protocols)) && !tokensEqual(token, bearerToken(req))) return refuseUpgrade(socket, 401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const client: EventClient = { watching: new Set(), holding: new Set() };
      sockets.set(ws, client);
      const gone = (): void => {
        sockets.delete(ws);
        release(ws, client);
      };
      ws.on('message', (raw) => onClientMessage(ws, client, raw));
      ws.on('close', gone);
      ws.on('error', gone);
    });
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node hands the socket over without an error listener: a client that resets it now must not take the process down.
    socket.on('error', () => socket.destroy());
    try {
      upgrade(req, socket, head);
    } catch (error) {
      console.error('[http] upgrade failed', error);
      refuseUpgrade(socket, 400, 'Bad request');
    }
  });
  const forwarding = events.onAny((event, payload) => {
    if (event === 'sessions:output') return forwardOutput(payload as { sessionId: string });
    const message = JSON.stringify({ event, payload });
    for (const ws of sockets.keys()) if (ws.readyState === ws.OPEN) ws.send(message);
  });

  /**
   * A terminal's output goes only to the clients watching it. A client whose socket has more than
   * {@link BEHIND_BYTES} unsent holds the terminal (its pty pauses) until its socket has drained.
   */
  function forwardOutput(payload: { sessionId: string }): void {
    let message: string | null = null;
    for (const [ws, client] of sockets) {
      if (ws.readyState !== ws.OPEN || !client.watching.has(payload.sessionId)) continue;
      message ??= JSON.stringify({ event: 'sessions:output', payload });
      ws.send(message, () => release(ws, client));
      if (ws.bufferedAmount > BEHIND_BYTES && outputFlow && !client.holding.has(payload.sessionId)) {
        client.holding.add(payload.sessionId);
        outputFlow.hold(payload.sessionId, client, true);
      }
    }
  }

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
    url: `http://127.0.0.1:${port}/#token=${token}`,
    async dispose() {
      await forwarding.dispose();
      for (const ws of sockets.keys()) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
