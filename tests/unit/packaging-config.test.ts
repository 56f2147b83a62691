import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { FileMatcher } from 'app-builder-lib/out/fileMatcher';
import { validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';
import { describe, expect, it } from 'vitest';
import { config, NATIVE_MODULES, RENDERER_ONLY } from '../../electron-builder.config';
import pkg from '../../package.json';
import { appPaths } from '../../src-main/electron/app-paths';
import { TRAY_ICON_FILES } from '../../src-main/status/tray-model';

const ROOT = path.resolve(__dirname, '../..');

/** electron-builder's own matcher over a list of project-relative paths. */
function matcher(patterns: string[]): (rel: string) => boolean {
  const filter = new FileMatcher(ROOT, '/app', (p) => p, patterns).createFilter();
  const file = { isDirectory: () => false } as fs.Stats;
  return (rel) => filter(path.join(ROOT, rel), file);
}

/**
 * How electron-builder filters the production dependencies it copies: everything, less the
 * exclusions (`!…`) of `files` (its getNodeModuleFileMatcher).
 */
const moduleFileShipped = matcher(['**/*', ...(config.files as string[]).filter((p) => p.startsWith('!'))]);

const tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n');
/** What `electron-vite build` writes (the names are stable but for the content hashes). */
const built = ['out/main/electron.js', 'out/main/serve.js', 'out/main/pty-host.js', 'out/main/transcript-scan.js', 'out/main/transcript-parse.js', 'out/main/chunks/app-abc123.js', 'out/preload/index.js', 'out/renderer/index.html', 'out/renderer/assets/index-abc.js', 'out/renderer/favicon.svg'];

describe('the packaging configuration', () => {
  it('is valid for electron-builder', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('ships the built app, the migrations, the hook and the tray icons', () => {
    const included = matcher(config.files as string[]);
    for (const file of [...built, 'package.json', 'resources/hook', ...TRAY_ICON_FILES.map((f) => `resources/tray/${f}`)]) expect(included(file), file).toBe(true);
    const migrations = tracked.filter((f) => f.startsWith('db/migrations/'));
    expect(migrations.length).toBeGreaterThan(5);
    for (const file of migrations) expect(included(file), file).toBe(true);
    expect(pkg.main).toBe('out/main/electron.js');
  });

  it('ships nothing from tests, sources, docs, scripts, the build resources or source maps', () => {
    const included = matcher(config.files as string[]);
    const shipped = tracked.filter(included);
    expect(shipped.filter((f) => /^(tests|src-\w+|docs|scripts|\.ci)\//.test(f) || /\.(ts|tsx|md)$/.test(f))).toEqual([]);
    expect(shipped.every((f) => f === 'package.json' || f.startsWith('db/migrations/') || (f.startsWith('resources/') && !f.startsWith('resources/build/')))).toBe(true);
    expect(included('out/main/electron.js.map')).toBe(false);
    expect(included('resources/build/icon.png')).toBe(false);
  });

  it("keeps dependencies' tests, sources, source maps and renderer-only packages out, and their code in", () => {
    for (const file of [
      'node_modules/node-pty/src/unixTerminal.test.ts',
      'node_modules/node-pty/lib/terminal.test.js',
      'node_modules/better-sqlite3/deps/sqlite3/sqlite3.c',
      'node_modules/better-sqlite3/build/Release/obj/gen/sqlite3/sqlite3.c',
      'node_modules/zod/src/v3/tests/Mocker.ts',
      'node_modules/@kwsites/file-exists/dist/test/__mocks__/fs.js',
      'node_modules/drizzle-orm/index.js.map',
      ...RENDERER_ONLY.map((name) => `node_modules/${name}/package.json`),
    ]) {
      expect(moduleFileShipped(file), file).toBe(false);
    }
    for (const file of ['node_modules/zod/index.cjs', 'node_modules/better-sqlite3/build/Release/better_sqlite3.node', 'node_modules/node-pty/lib/index.js', 'node_modules/node-pty/prebuilds/darwin-arm64/spawn-helper', 'node_modules/electron-updater/out/main.js']) {
      expect(moduleFileShipped(file), file).toBe(true);
    }
  });

  it('keeps only renderer-bundled packages out, never one the main process loads', () => {
    const mainSources = execFileSync('git', ['grep', '-h', '-o', "from '[^.][^']*'", '--', 'src-main', 'db', 'src-common'], { cwd: ROOT, encoding: 'utf8' });
    const mainImports = new Set([...mainSources.matchAll(/from '((?:@[^/']+\/)?[^/']+)/g)].map((m) => m[1]!));
    for (const name of RENDERER_ONLY) expect(mainImports.has(name), name).toBe(false);
    // Each names a real installed package (a typo would silently exclude nothing).
    for (const name of RENDERER_ONLY) expect(fs.existsSync(path.join(ROOT, 'node_modules', name, 'package.json')), name).toBe(true);
  });

  it('rebuilds the native modules for Electron and unpacks them, the hook and the icons from the asar', () => {
    expect(config.asar).toBe(true);
    expect(config.npmRebuild).toBe(true);
    const unpacked = matcher(config.asarUnpack as string[]);
    expect(unpacked('node_modules/better-sqlite3/build/Release/better_sqlite3.node')).toBe(true);
    expect(unpacked('node_modules/node-pty/build/Release/pty.node')).toBe(true);
    expect(unpacked('node_modules/node-pty/prebuilds/darwin-arm64/spawn-helper')).toBe(true);
    expect(unpacked('node_modules/node-pty/lib/index.js')).toBe(true);
    expect(unpacked('resources/hook')).toBe(true);
    expect(unpacked('resources/tray/tray-idle.png')).toBe(true);
    expect(unpacked('out/main/electron.js')).toBe(false);
    expect(NATIVE_MODULES.every((name) => name in pkg.dependencies)).toBe(true);
    // The runtime looks for the hook where the packaging puts it.
    expect(appPaths('/opt/Pitwall/resources/app.asar', true).resourcesDir).toBe('/opt/Pitwall/resources/app.asar.unpacked/resources');
  });

  it('builds AppImage and deb, dmg and zip for x64 and arm64, and NSIS', () => {
    const targets = (list: unknown) => (list as { target: string; arch: string[] }[]).map((t) => `${t.target}:${t.arch.join('+')}`);
    expect(targets(config.linux!.target)).toEqual(['AppImage:x64', 'deb:x64']);
    expect(targets(config.mac!.target)).toEqual(['dmg:x64+arm64', 'zip:x64+arm64']);
    expect(targets(config.win!.target)).toEqual(['nsis:x64']);
    expect(config.mac!.extendInfo).toMatchObject({ NSUserNotificationAlertStyle: 'alert' });
    // The pty host and the hook need Electron-as-Node; the rest of the fuses are closed.
    expect(config.electronFuses).toMatchObject({ runAsNode: true, enableNodeOptionsEnvironmentVariable: false, enableNodeCliInspectArguments: false, onlyLoadAppFromAsar: true });
    expect(fs.existsSync(path.join(ROOT, config.directories!.buildResources!, 'icon.png'))).toBe(true);
  });

  it('is installable without downloads: electron-builder is a devDependency, electron-updater ships with the app', () => {
    expect(pkg.devDependencies).toHaveProperty('electron-builder');
    expect(pkg.dependencies).toHaveProperty('electron-updater');
    expect(pkg.scripts.dist).toBe('node scripts/dist.mjs');
  });
});
