import fs from 'node:fs';
import path from 'node:path';

/** What a native module's build for Electron depends on, besides the module itself. */
export interface ElectronTarget {
  electronVersion: string;
  platform: string;
  arch: string;
}

/** How the installed version of a package is read (a seam for tests). */
export type VersionReader = (appRoot: string, name: string) => string | null;

/** The installed version of a package in the app's node_modules, or null. */
export const installedVersion: VersionReader = (appRoot, name) => {
  try {
    return (JSON.parse(fs.readFileSync(path.join(appRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
};

/**
 * The folder of one native module built for one Electron on one platform and architecture, as
 * scripts/electron-native.mjs (through scripts/lib/native-cache.mjs) makes it: a whole copy of the package.
 */
export function electronModuleDir(appRoot: string, target: ElectronTarget, name: string, version: string): string {
  return path.join(appRoot, '.native', `electron-${target.electronVersion}-${target.platform}-${target.arch}`, `${name}-${version}`);
}

function builtModule(appRoot: string, target: ElectronTarget, name: string, proof: string, exists: (p: string) => boolean, version: VersionReader): string | undefined {
  const installed = version(appRoot, name);
  if (!installed || !target.electronVersion) return undefined;
  const dir = electronModuleDir(appRoot, target, name, installed);
  return exists(path.join(dir, proof)) ? dir : undefined;
}

/**
 * better-sqlite3 built for Electron's ABI, when built for this very Electron, version of
 * better-sqlite3, platform and architecture; handed to better-sqlite3 as its `nativeBinding`.
 * Node keeps loading node_modules' own build, so `npm test` still works after `npm start`.
 */
export function electronSqliteBinding(appRoot: string, target: ElectronTarget, exists: (p: string) => boolean = fs.existsSync, version: VersionReader = installedVersion): string | undefined {
  const binding = path.join('build', 'Release', 'better_sqlite3.node');
  const dir = builtModule(appRoot, target, 'better-sqlite3', binding, exists, version);
  return dir ? path.join(dir, binding) : undefined;
}

/** node-pty built for Electron's ABI (a whole package copy: it finds its binary relative to itself), on the same terms. */
export function electronNodePtyPath(appRoot: string, target: ElectronTarget, exists: (p: string) => boolean = fs.existsSync, version: VersionReader = installedVersion): string | undefined {
  return builtModule(appRoot, target, 'node-pty', 'package.json', exists, version);
}
