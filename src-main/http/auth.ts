import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { WEB_TOKEN_PROTOCOL_PREFIX } from '../../src-common/ipc-names';

/** A new random token for one start of the headless shell (base64url: fits a URL, header and subprotocol). */
export function newToken(): string {
  return crypto.randomBytes(24).toString('base64url');
}

/** Constant-time comparison, so response timing leaks nothing of the token. */
export function tokensEqual(expected: string, given: string | undefined | null): boolean {
  if (!given) return false;
  const a = crypto.createHash('sha256').update(expected).digest();
  const b = crypto.createHash('sha256').update(given).digest();
  return crypto.timingSafeEqual(a, b) && expected.length === given.length;
}

/** The bearer token of the Authorization header, if any. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  const match = header ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
  return match?.[1];
}

/** The subprotocols a WebSocket handshake offers, or null when the header is malformed. */
export function offeredProtocols(header: string | undefined): string[] | null {
  if (header === undefined) return [];
  const names = header.split(',').map((name) => name.trim());
  // RFC 6455: each is an HTTP token (RFC 7230 tchar); an empty or repeated one is malformed.
  if (names.some((name) => !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))) return null;
  return new Set(names).size === names.length ? names : null;
}

/** The token carried as a `pitwall.token.<token>` subprotocol, if one is offered. */
export function protocolToken(protocols: readonly string[]): string | undefined {
  return protocols.find((p) => p.startsWith(WEB_TOKEN_PROTOCOL_PREFIX))?.slice(WEB_TOKEN_PROTOCOL_PREFIX.length);
}

/**
 * True when the Host header names this loopback server. Refusing other hosts defeats DNS
 * rebinding: a page on evil.example resolved to 127.0.0.1 still sends `Host: evil.example`.
 */
export function isLoopbackHost(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host;
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/**
 * True when a request comes from Pitwall's own page or from no page at all (no Origin: a CLI, a
 * test, a same-origin GET). Every port of 127.0.0.1 is one "site" to the browser's cookie and
 * SameSite rules, so only the exact origin tells Pitwall's page from another local server's.
 */
export function isOwnOrigin(req: IncomingMessage, port: number): boolean {
  const origin = req.headers.origin;
  return origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}
