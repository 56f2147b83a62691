// Builds the native modules for Electron's ABI with @electron/rebuild into .native/ (one folder per
// module, keyed on Electron's version, the module's version, platform and architecture: see
// lib/native-cache.mjs), leaving node_modules' Node builds alone (tests and the headless shell use those).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rebuild } from '@electron/rebuild';
import { buildNativeModules } from './lib/native-cache.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electronVersion = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')).version;

try {
  await buildNativeModules(root, electronVersion, { rebuild, log: (line) => console.log(line) });
} catch (error) {
  console.error(`The native modules could not be built for Electron ${electronVersion}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
