import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AUTH_HEADER, NONCE_HEADER, SESSION_HEADER, SIGNATURE_HEADER, answerMac, requestMac, sameSecret, type HookAgent, type HookCall, type HookDelivery, type HookVerdict, type ParsedHookEvent } from '../../approvals/hook-call';
import { dialectFor, type HookDialect } from '../../approvals/hook-dialects';
import { writePrivateFile } from '../../private-files';

/** Where a host that exits keeps the recorded calls no core has taken yet (next to its socket, in the same private folder). */
export function keptCallsFile(socketPath: string): string {
  return `${socketPath}.kept.json`;
}

/** What the core registers for a session whose agent calls hooks (sent with the spawn request). */
export interface HookRegistration {
  agent: HookAgent;
  secret: string;
  context: Record<string, string>;
}

/** The connected core, as the gateway talks to it. */
export interface CoreLink {
  /** A call for the core: a verdict is wanted, or the call is to be recorded and acknowledged. */
  call(call: HookCall, delivery: HookDelivery): void;
  /** A `pre-tool` call the core was asked about ended before an answer (the agent stopped waiting). */
  gone(callId: string): void;
}

/** What a core finds waiting when it connects. */
export interface HookReplay {
  calls: { call: HookCall; delivery: HookDelivery }[];
  /** Recorded calls dropped because too many piled up while no core was connected. */
  lost: number;
}

/** Tunables, mostly for tests. */
export interface HookGatewayOptions {
  /** Largest request body accepted (a Write of a big file travels in it). */
  maxBodyBytes?: number;
  /** Most recorded calls kept for the next core. */
  maxKept?: number;
  /** Most bytes of recorded calls kept for the next core. */
  maxKeptBytes?: number;
}

interface Waiting {
  call: HookCall;
  parsed: ParsedHookEvent;
  dialect: HookDialect;
  respond: (body: object) => void;
}

/** Why the host itself answers `ask`: the agent's own prompt takes over, and the audit says so. */
export const NOT_CONNECTED_REASON = 'Pitwall is not connected right now (it is restarting or closed), so the agent asks in its terminal';

/**
 * The hook endpoint agents call, owned by the pty host so it lives exactly as long as the agents:
 * after a restart of the core the agents' hook URL still reaches Pitwall, and no other process can
 * take the port while an agent could call it.
 *
 * Every request names its session and proves the session's secret: HTTP hooks send it as a bearer
 * token (the CLI interpolates it from the environment); the command hook sends a MAC over a fresh
 * nonce and the body instead, and gets the answer MAC'd back, so a squatter learns and can forge
 * nothing. `pre-tool` calls are relayed to the connected core and answered with its verdict; while
 * no core is connected they are answered `ask` at once (the CLI's own prompt). A call in flight when
 * the core goes away waits and is asked again of the next core. Every other call is answered at
 * once and kept (bounded) until a core has recorded it, so the audit stays complete across restarts.
 *
 * Anything parsed before authentication is total, and nothing here may throw into the host: an
 * agent killed in the middle of sending a large Write must not take the host (and its agents) down.
 */
export class HookGateway {
  private readonly sessions = new Map<string, { registration: HookRegistration; turn: number }>();
  private readonly waiting = new Map<string, Waiting>();
  private readonly kept = new Map<string, { call: HookCall; bytes: number }>();
  private keptBytes = 0;
  private lost = 0;
  private core: CoreLink | null = null;
  private nextId = 1;
  private port = 0;
  private readonly server: http.Server;
  private readonly maxBodyBytes: number;
  private readonly maxKept: number;
  private readonly maxKeptBytes: number;

  constructor(options: HookGatewayOptions = {}) {
    this.maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
    this.maxKept = options.maxKept ?? 10_000;
    this.maxKeptBytes = options.maxKeptBytes ?? 64 * 1024 * 1024;
    this.server = http.createServer((req, res) => this.onRequest(req, res));
    // A held PreToolUse may wait for a person for hours.
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 60_000;
    this.server.on('clientError', (_error, socket) => socket.destroy());
  }

  /** Listens on a free port of 127.0.0.1. */
  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** The base URL hooks post to (`<url>/hook/<agent>`). */
  url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  register(sessionId: string, registration: HookRegistration): void {
    const turn = this.sessions.get(sessionId)?.turn ?? 0;
    this.sessions.set(sessionId, { registration, turn });
  }

  unregister(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  /** A core connected and said hello: it is asked from now on, and gets everything waiting for one. */
  attach(core: CoreLink): HookReplay {
    this.core = core;
    const calls = [
      ...[...this.kept.values()].map((k) => ({ call: k.call, delivery: 'record' as const })),
      ...[...this.waiting.values()].map((w) => ({ call: w.call, delivery: 'verdict' as const })),
    ].sort((a, b) => Number(a.call.callId) - Number(b.call.callId));
    const lost = this.lost;
    this.lost = 0;
    return { calls, lost };
  }

  /** The core went away; calls wait for the next one. */
  detach(core: CoreLink): void {
    if (this.core === core) this.core = null;
  }

  /** The core's verdict on a `pre-tool` call, or its acknowledgement of a recorded one. False when nothing waited for it. */
  answer(callId: string, verdict: HookVerdict | null): boolean {
    const waiting = this.waiting.get(callId);
    if (waiting) {
      this.waiting.delete(callId);
      waiting.respond(waiting.dialect.answer(waiting.parsed, verdict ?? { decision: 'ask', reason: 'Pitwall gave no verdict' }));
      return true;
    }
    const kept = this.kept.get(callId);
    if (!kept) return false;
    this.kept.delete(callId);
    this.keptBytes -= kept.bytes;
    return true;
  }

  /** Calls waiting for a verdict and calls kept for a core (for tests and diagnostics). */
  stats(): { waiting: number; kept: number; lost: number } {
    return { waiting: this.waiting.size, kept: this.kept.size, lost: this.lost };
  }

  /**
   * Writes the recorded calls no core has taken yet to `file` (0600), so a host that leaves (no
   * agent runs and no core came for a while) does not take them along; the next host loads them.
   */
  saveKept(file: string): void {
    if (this.kept.size === 0 && this.lost === 0) return;
    const temp = `${file}.${process.pid}.tmp`;
    writePrivateFile(temp, JSON.stringify({ calls: [...this.kept.values()].map((k) => k.call), lost: this.lost }));
    fs.renameSync(temp, file);
  }

  /** Loads (and removes) what an earlier host kept; a damaged file is dropped with its calls counted as lost. */
  loadKept(file: string): void {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return;
    }
    fs.rmSync(file, { force: true });
    try {
      const saved = JSON.parse(text) as { calls?: HookCall[]; lost?: number };
      this.lost += Number.isInteger(saved.lost) ? saved.lost! : 0;
      for (const call of Array.isArray(saved.calls) ? saved.calls : []) {
        const renumbered = { ...call, callId: String(this.nextId++) };
        this.keep(renumbered, JSON.stringify(call).length);
      }
    } catch {
      this.lost += 1;
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    // An aborted or reset request must never surface as an unhandled error.
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    try {
      this.handle(req, res);
    } catch {
      reply(res, 500, { error: 'internal error' });
    }
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const route = /^\/hook\/([a-z0-9-]{1,40})$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !route) return reply(res, 404, { error: 'not found' }, true);
    const dialect = dialectFor(route[1]!);
    const sessionId = headerOf(req, SESSION_HEADER);
    const session = sessionId ? this.sessions.get(sessionId) : undefined;
    if (!dialect || !session || !sessionId || session.registration.agent !== dialect.agent) return reply(res, 401, { error: 'unauthorized' }, true);
    const secret = session.registration.secret;
    const bearer = /^Bearer\s+(\S+)$/i.exec(headerOf(req, 'authorization') ?? '')?.[1];
    const nonce = headerOf(req, NONCE_HEADER);
    const mac = headerOf(req, AUTH_HEADER);
    if (bearer !== undefined) {
      if (!sameSecret(secret, bearer)) return reply(res, 401, { error: 'unauthorized' }, true);
    } else if (!nonce || !mac || !/^[A-Za-z0-9_-]{16,128}$/.test(nonce)) {
      return reply(res, 401, { error: 'unauthorized' }, true);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > this.maxBodyBytes) {
        refused = true;
        chunks.length = 0;
        reply(res, 413, { error: `the hook request is larger than ${this.maxBodyBytes} bytes` }, true);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      try {
        this.onBody(res, sessionId, dialect, secret, nonce, mac, Buffer.concat(chunks, size));
      } catch {
        reply(res, 500, { error: 'internal error' });
      }
    });
  }

  private onBody(res: http.ServerResponse, sessionId: string, dialect: HookDialect, secret: string, nonce: string | undefined, mac: string | undefined, body: Buffer): void {
    // The bearer was checked before reading; a MAC'd request is checked now that the body is here.
    if (nonce && mac !== undefined && !sameSecret(requestMac(secret, sessionId, nonce, body), mac)) return reply(res, 401, { error: 'unauthorized' });
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      return reply(res, 400, { error: 'the hook sent something that is not JSON' });
    }
    const parsed = dialect.parse(json);
    if (!parsed) return reply(res, 400, { error: 'the hook sent something that is not a hook event' });
    const session = this.sessions.get(sessionId);
    if (!session) return reply(res, 401, { error: 'unauthorized' });
    if (parsed.event === 'prompt') session.turn += 1;
    const call: HookCall = {
      callId: String(this.nextId++),
      sessionId,
      agent: dialect.agent,
      ...parsed,
      turn: session.turn,
      receivedAt: Date.now(),
      context: session.registration.context,
    };
    const respond = (answer: object): void => {
      const text = JSON.stringify(answer);
      const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) };
      if (nonce) headers[SIGNATURE_HEADER] = answerMac(secret, nonce, text);
      if (res.destroyed || res.writableEnded) return;
      res.writeHead(200, headers);
      res.end(text);
    };
    if (parsed.event !== 'pre-tool') {
      respond(dialect.answer(parsed, null));
      this.keep(call, body.length);
      return;
    }
    if (!this.core) {
      const verdict: HookVerdict = { decision: 'ask', reason: NOT_CONNECTED_REASON };
      respond(dialect.answer(parsed, verdict));
      this.keep({ ...call, hostAnswer: verdict }, body.length);
      return;
    }
    this.waiting.set(call.callId, { call, parsed, dialect, respond });
    res.on('close', () => {
      // Closed before the verdict: the agent stopped waiting (killed, or its hook timed out).
      if (!this.waiting.delete(call.callId)) return;
      this.core?.gone(call.callId);
    });
    this.core.call(call, 'verdict');
  }

  /** Keeps a recorded call until a core acknowledges it; the oldest go first past the bounds. */
  private keep(call: HookCall, bytes: number): void {
    this.kept.set(call.callId, { call, bytes });
    this.keptBytes += bytes;
    while (this.kept.size > this.maxKept || this.keptBytes > this.maxKeptBytes) {
      const [oldest, entry] = this.kept.entries().next().value as [string, { bytes: number }];
      this.kept.delete(oldest);
      this.keptBytes -= entry.bytes;
      this.lost += 1;
    }
    this.core?.call(call, 'record');
  }
}

function headerOf(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** Answers with a JSON error; `close` drops the connection afterwards (the body is not read). */
function reply(res: http.ServerResponse, status: number, body: object, close = false): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) };
  if (close) headers.connection = 'close';
  res.writeHead(status, headers);
  res.end(text, () => {
    if (close) res.socket?.destroy();
  });
}
