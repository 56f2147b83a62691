// Finds the Electron binary without starting it: null when it was never downloaded
// (ELECTRON_SKIP_BINARY_DOWNLOAD=1, or an offline install).
import fs from 'node:fs';
import { createRequire } from 'node:module';

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
