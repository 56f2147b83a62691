// Finds the Electron binary without starting it, and fetches it when it was never downloaded
// (`npm install` leaves it out: see allowScripts in package.json).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The Electron executable's path, or null when it is not installed. */
export function findElectron(root, require = createRequire(`${root}/package.json`), exists = fs.existsSync) {
  let binary;
  try {
    binary = require('electron');
  } catch {
    return null;
  }
  return typeof binary === 'string' && exists(binary) ? binary : null;
}

/** Electron's major version: the installed package's, else the one package.json asks for. */
export function electronMajorVersion(root) {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version.split('.')[0];
  } catch {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    const range = manifest.devDependencies?.electron ?? manifest.optionalDependencies?.electron ?? '';
    return /\d+/.exec(range)?.[0] ?? '';
  }
}

/** The first line of a failed download's output that says why (the stack's message, not its frames). */
export function downloadFailureReason(output) {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  const line = lines.find((l) => !l.startsWith('at ') && /error|ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|status|certificate|proxy/i.test(l)) ?? lines.find((l) => !l.startsWith('at '));
  return line ? line.replace(/^(\w*Error): /, '').slice(0, 200) : 'no reason given';
}

/**
 * Downloads Electron's binary with its own installer (which honours ELECTRON_MIRROR, proxies and
 * its cache), once. Answers `{ path }`, or `{ path: null, reason, hint }` saying why not and what to do.
 */
export function fetchElectron(root, log = () => undefined, timeoutMs = 10 * 60_000) {
  const hint = 'For the desktop app, run npm start again where github.com (or ELECTRON_MIRROR) can be reached.';
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) return { path: null, reason: 'ELECTRON_SKIP_BINARY_DOWNLOAD is set', hint: 'Unset it and run npm start again for the desktop app.' };
  const installer = path.join(root, 'node_modules', 'electron', 'install.js');
  if (!fs.existsSync(installer)) {
    return { path: null, reason: 'the electron package is not installed', hint: 'For the desktop app, run npm install electron where the network can be reached.' };
  }
  let version = '';
  try {
    version = ` ${JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version}`;
  } catch {
    // The version only decorates the message.
  }
  log(`Downloading Electron${version} for the desktop app (once, about 100 MB)…`);
  const result = spawnSync(process.execPath, [installer], { cwd: path.dirname(installer), encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
  const found = findElectron(root);
  if (result.status === 0 && found) return { path: found, reason: null, hint: null };
  const reason = result.error?.code === 'ETIMEDOUT' ? `the download took over ${Math.round(timeoutMs / 60_000)} min` : `its download failed: ${downloadFailureReason(`${result.stderr ?? ''}\n${result.stdout ?? ''}`)}`;
  return { path: null, reason, hint };
}
