// Builds the native modules for Electron's ABI into .native/electron-<version>/, leaving
// node_modules' Node builds alone (tests and the headless shell keep using those).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electronVersion = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')).version;
const target = path.join(root, '.native', `electron-${electronVersion}`);

function nodeGyp() {
  const candidates = [
    path.join(root, 'node_modules/node-gyp/bin/node-gyp.js'),
    path.join(path.dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
  ];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error('node-gyp was not found (it ships with npm); install it with: npm install -g node-gyp');
  return found;
}

function rebuild(name, copyTo) {
  const source = path.join(root, 'node_modules', name);
  const work = path.join(root, '.native', 'build', name);
  fs.rmSync(work, { recursive: true, force: true });
  fs.cpSync(source, work, { recursive: true, filter: (p) => !p.startsWith(path.join(source, 'build')) });
  const result = spawnSync(
    process.execPath,
    [nodeGyp(), 'rebuild', '--release', '--runtime=electron', `--target=${electronVersion}`, '--dist-url=https://electronjs.org/headers'],
    { cwd: work, stdio: 'inherit' },
  );
  if (result.status !== 0) throw new Error(`building ${name} for Electron ${electronVersion} failed`);
  copyTo(work);
}

fs.mkdirSync(target, { recursive: true });
const sqlite = path.join(target, 'better_sqlite3.node');
if (!fs.existsSync(sqlite)) {
  console.log(`Building better-sqlite3 for Electron ${electronVersion}…`);
  rebuild('better-sqlite3', (work) => fs.copyFileSync(path.join(work, 'build/Release/better_sqlite3.node'), sqlite));
}
const pty = path.join(target, 'node-pty');
if (!fs.existsSync(path.join(pty, 'package.json'))) {
  console.log(`Building node-pty for Electron ${electronVersion}…`);
  // node-pty finds its binary relative to its own lib folder, so the whole package is kept.
  rebuild('node-pty', (work) => fs.cpSync(work, pty, { recursive: true }));
}
