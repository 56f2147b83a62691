import fs from 'node:fs';
import path from 'node:path';

/** Folder holding native modules rebuilt for one Electron version (scripts/electron-native.mjs makes it). */
export function electronNativeDir(appRoot: string, electronVersion: string): string {
  return path.join(appRoot, '.native', `electron-${electronVersion}`);
}

/**
 * better-sqlite3 built for Electron's ABI, when present. Node keeps loading node_modules' own
 * build, so `npm test` still works after `npm start`.
 */
export function electronSqliteBinding(appRoot: string, electronVersion: string, exists: (p: string) => boolean = fs.existsSync): string | undefined {
  const file = path.join(electronNativeDir(appRoot, electronVersion), 'better_sqlite3.node');
  return exists(file) ? file : undefined;
}

/** node-pty rebuilt for Electron's ABI (a whole package copy: it finds its binary relative to itself). */
export function electronNodePtyPath(appRoot: string, electronVersion: string, exists: (p: string) => boolean = fs.existsSync): string | undefined {
  const dir = path.join(electronNativeDir(appRoot, electronVersion), 'node-pty');
  return exists(path.join(dir, 'package.json')) ? dir : undefined;
}
