import http from 'node:http';
import https from 'node:https';
import { type z } from 'zod';
import { formatZodError } from '../../src-common/format-zod-error';
import { enrollResponseSchema, pushResponseSchema, serverErrorSchema, type EnrollResponse, type PushResponse, type ServerError } from '../../src-common/sync/protocol';

/** What a request to the team server came to. Never thrown: the loop decides from the kind. */
export type TeamAnswer<T> =
  | { kind: 'ok'; value: T }
  /** The server answered with an error (a 4xx or 5xx with a reason). */
  | { kind: 'refused'; status: number; error: ServerError }
  /** No answer: refused connection, reset, timeout, TLS failure. */
  | { kind: 'unreachable'; message: string };

/** Options for {@link TeamClient}. */
export interface TeamClientOptions {
  /** Hard limit on one request, from connect to the last byte of the answer. */
  timeoutMs: number;
  /** Extra CA certificates (PEM) to trust, for a team server with a private CA. */
  ca?: string | undefined;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** True for a host name on this machine. */
export function isLoopbackHostname(hostname: string): boolean {
  return LOOPBACK.has(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/**
 * Why a team server URL may not be used, or null when it may: HTTPS always, plain HTTP only to
 * this machine unless the person allowed it for a trusted network.
 */
export function serverUrlProblem(serverUrl: string, allowInsecureHttp: boolean): string | null {
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    return 'That is not a URL. Give the team server’s address, like https://team.example.com';
  }
  if (url.protocol === 'https:') return null;
  if (url.protocol !== 'http:') return 'The team server URL must start with https://';
  if (isLoopbackHostname(url.hostname) || allowInsecureHttp) return null;
  return 'Plain HTTP would send your device token and data unencrypted. Use https://, or allow unencrypted HTTP for a trusted network.';
}

/**
 * Talks to the team server over HTTP(S): one request, one answer, a hard timeout, and every
 * failure as data.
 */
export class TeamClient {
  private readonly agents: { http: http.Agent; https: https.Agent };

  constructor(private readonly options: TeamClientOptions) {
    this.agents = {
      http: new http.Agent({ keepAlive: true, maxSockets: 1 }),
      https: new https.Agent({ keepAlive: true, maxSockets: 1, ...(options.ca ? { ca: options.ca } : {}) }),
    };
  }

  enroll(serverUrl: string, body: unknown): Promise<TeamAnswer<EnrollResponse>> {
    return this.post(serverUrl, '/v1/enroll', null, JSON.stringify(body), enrollResponseSchema);
  }

  /** Sends a push; `onSent` is called once the whole body has been handed to the network. */
  push(serverUrl: string, token: string, body: string, onSent?: () => void): Promise<TeamAnswer<PushResponse>> {
    return this.post(serverUrl, '/v1/sync/push', token, body, pushResponseSchema, onSent);
  }

  dispose(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private post<T>(serverUrl: string, path: string, token: string | null, body: string, schema: z.ZodType<T>, onSent?: () => void): Promise<TeamAnswer<T>> {
    return new Promise((resolve) => {
      let url: URL;
      try {
        url = new URL(path, serverUrl.endsWith('/') ? serverUrl : `${serverUrl}/`);
      } catch {
        resolve({ kind: 'unreachable', message: 'The team server URL is not valid' });
        return;
      }
      const secure = url.protocol === 'https:';
      const payload = Buffer.from(body, 'utf8');
      let settled = false;
      const settle = (answer: TeamAnswer<T>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(answer);
      };
      const request = (secure ? https : http).request(url, {
        method: 'POST',
        agent: secure ? this.agents.https : this.agents.http,
        headers: {
          'content-type': 'application/json',
          'content-length': payload.length,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      });
      const timer = setTimeout(() => {
        request.destroy();
        settle({ kind: 'unreachable', message: `The team server did not answer within ${Math.round(this.options.timeoutMs / 1000)} s` });
      }, this.options.timeoutMs);
      if (onSent) request.once('finish', onSent);
      request.on('error', (error: NodeJS.ErrnoException) => settle({ kind: 'unreachable', message: describeNetworkError(error, url) }));
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => settle({ kind: 'unreachable', message: describeNetworkError(error, url) }));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            settle({ kind: 'unreachable', message: `The team server answered ${response.statusCode} with something that is not JSON (is the URL right?)` });
            return;
          }
          if (response.statusCode === 200) {
            const parsed = schema.safeParse(json);
            if (parsed.success) settle({ kind: 'ok', value: parsed.data });
            else settle({ kind: 'refused', status: 200, error: { error: { code: 'internal', message: `Unexpected answer: ${formatZodError(parsed.error)}` } } });
            return;
          }
          const error = serverErrorSchema.safeParse(json);
          settle({
            kind: 'refused',
            status: response.statusCode ?? 0,
            error: error.success ? error.data : { error: { code: 'internal', message: `The team server answered ${response.statusCode}` } },
          });
        });
      });
      request.end(payload);
    });
  }
}

function describeNetworkError(error: NodeJS.ErrnoException, url: URL): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return `Nothing is listening at ${url.host}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `The team server's host ${url.hostname} could not be found`;
    case 'ECONNRESET':
      return 'The team server closed the connection';
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
    case 'CERT_HAS_EXPIRED':
      return `The team server's certificate is not trusted (${error.code})`;
    default:
      return error.message || String(error);
  }
}
