import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';

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

/**
 * Serves a file of the built renderer; unknown paths without an extension get index.html (the UI
 * routes itself). Answers false when nothing was found.
 */
export function serveStatic(root: string, urlPath: string, res: ServerResponse): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return false;
  }
  const resolvedRoot = path.resolve(root);
  let file = path.resolve(resolvedRoot, `.${path.posix.normalize(decoded)}`);
  if (file !== resolvedRoot && !file.startsWith(resolvedRoot + path.sep)) return false;
  let stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat || stat.isDirectory()) {
    if (path.extname(decoded) !== '') return false;
    file = path.join(resolvedRoot, 'index.html');
    stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat) return false;
  }
  const ext = path.extname(file);
  res.writeHead(200, {
    'content-type': TYPES[ext] ?? 'application/octet-stream',
    'content-length': stat.size,
    'cache-control': ext === '.html' ? 'no-store' : 'public, max-age=31536000, immutable',
    'x-content-type-options': 'nosniff',
    ...(ext === '.html' ? { 'content-security-policy': CSP, 'referrer-policy': 'no-referrer' } : {}),
  });
  fs.createReadStream(file).pipe(res);
  return true;
}
