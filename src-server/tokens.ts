import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// Tokens and codes carry the organisation and their own id in clear, so the server can set the
// organisation for row-level security before it reads anything; the secret part is 256 random
// bits, and only its SHA-256 is stored (a slow hash adds nothing to a secret that long).

/** The kinds of secret the team server hands out. */
export type TokenKind = 'device' | 'admin' | 'invite';

const PREFIX: Record<TokenKind, string> = { device: 'pwd', admin: 'pwa', invite: 'pwe' };
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const SHAPE = new RegExp(`^(pwd|pwa|pwe)\\.(${UUID})\\.(${UUID})\\.([A-Za-z0-9_-]{43})$`);

/** A token taken apart. */
export interface ParsedToken {
  kind: TokenKind;
  orgId: string;
  id: string;
  secret: string;
}

/** A new token for `id` in `orgId`, and the hash to store. */
export function mintToken(kind: TokenKind, orgId: string, id: string): { token: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { token: `${PREFIX[kind]}.${orgId}.${id}.${secret}`, hash: hashSecret(secret) };
}

/** SHA-256 of a token's secret part, hex. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Parses a token of the expected kind; null for anything else (never throws: it runs before authentication). */
export function parseToken(value: unknown, kind: TokenKind): ParsedToken | null {
  if (typeof value !== 'string' || value.length > 300) return null;
  const match = SHAPE.exec(value.trim());
  if (!match || match[1] !== PREFIX[kind]) return null;
  return { kind, orgId: match[2]!, id: match[3]!, secret: match[4]! };
}

/** The token of an `Authorization: Bearer …` header, or null. */
export function bearer(header: string | undefined): string | null {
  if (!header || header.length > 400) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match ? match[1]! : null;
}

/** Constant-time comparison of a secret with a stored hash. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
