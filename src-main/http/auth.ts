import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Name of the cookie the shell sets after a page was opened with the right `?token=`. */
export const TOKEN_COOKIE = 'pitwall_token';

/** A new random token for one start of the headless shell. */
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

/** Reads one cookie from a request's Cookie header. */
export function readCookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** The bearer token of the Authorization header, if any. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  return match?.[1]?.trim();
}

/** True when the request carries the token in its Authorization header or its cookie. */
export function isAuthorized(req: IncomingMessage, token: string): boolean {
  return tokensEqual(token, bearerToken(req)) || tokensEqual(token, readCookie(req, TOKEN_COOKIE));
}

/**
 * True when the Host header names this loopback server. Refusing other hosts defeats DNS
 * rebinding: a page on evil.example resolved to 127.0.0.1 still sends `Host: evil.example`.
 */
export function isLoopbackHost(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host;
  return host === `127.0.0.1:${port}` || host === `localhost:${port}` || host === `[::1]:${port}`;
}
