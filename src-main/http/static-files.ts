import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/** The Content-Security-Policy the served renderer runs under (the same as Electron's). */
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

function statOrNull(file: string): fs.Stats | null {
  try {
    return fs.statSync(file, { throwIfNoEntry: false }) ?? null;
  } catch {
    // ENOTDIR (`/index.html/x`), ENAMETOOLONG and the like: nothing to serve.
    return null;
  }
}

/**
 * Serves a file of the built renderer for an already decoded path; unknown paths without an
 * extension get index.html (the UI routes itself). Answers false when nothing was found. The
 * files hold nothing secret, so they are served without the token.
 */
export function serveStatic(root: string, decodedPath: string, method: string, res: ServerResponse): boolean {
  const resolvedRoot = path.resolve(root);
  let file = path.resolve(resolvedRoot, `.${path.posix.normalize(decodedPath)}`);
  if (file !== resolvedRoot && !file.startsWith(resolvedRoot + path.sep)) return false;
  let stat = statOrNull(file);
  if (!stat || stat.isDirectory()) {
    if (path.extname(decodedPath) !== '') return false;
    file = path.join(resolvedRoot, 'index.html');
    stat = statOrNull(file);
    if (!stat || !stat.isFile()) return false;
  }
  if (!stat.isFile()) return false;
  const ext = path.extname(file);
  res.writeHead(200, {
    'content-type': TYPES[ext] ?? 'application/octet-stream',
    'content-length': stat.size,
    'cache-control': ext === '.html' ? 'no-store' : 'public, max-age=31536000, immutable',
    'x-content-type-options': 'nosniff',
    // Only Pitwall's own pages may load these; another local page cannot embed or read them.
    'cross-origin-resource-policy': 'same-origin',
    ...(ext === '.html' ? { 'content-security-policy': CSP, 'referrer-policy': 'no-referrer' } : {}),
  });
  if (method === 'HEAD') {
    res.end();
    return true;
  }
  // pipeline, not pipe: a file that vanishes mid-read ends this response, not the process.
  pipeline(fs.createReadStream(file), res, () => undefined);
  return true;
}
