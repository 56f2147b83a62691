import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { Arch, Platform, build } from 'electron-builder';
import { config, RENDERER_ONLY } from '../../electron-builder.config';
import { appPaths } from '../../src-main/electron/app-paths';
import { TRAY_ICON_FILES } from '../../src-main/status/tray-model';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';

// Packages the built app for real with electron-builder (`--dir`: the unpacked app, as every
// installer carries it). Only the Electron binary is a stand-in (it cannot be downloaded here),
// and so two steps that need it are off: rebuilding the native modules against Electron's
// headers, and flipping the binary's fuses. This runs after the build, with the e2e tests.

const ROOT = path.resolve(__dirname, '../..');

type AsarEntry = { files?: Record<string, AsarEntry>; size?: number; unpacked?: boolean };

/** The file list of an asar archive, from its JSON header (path -> whether it is unpacked). */
function asarFiles(archive: string): Map<string, boolean> {
  const fd = fs.openSync(archive, 'r');
  const head = Buffer.alloc(16);
  fs.readSync(fd, head, 0, 16, 0);
  const json = Buffer.alloc(head.readUInt32LE(12));
  fs.readSync(fd, json, 0, json.length, 16);
  fs.closeSync(fd);
  const files = new Map<string, boolean>();
  const walk = (entry: AsarEntry, prefix: string): void => {
    for (const [name, child] of Object.entries(entry.files ?? {})) {
      const rel = prefix ? `${prefix}/${name}` : name;
      if (child.files) walk(child, rel);
      else files.set(rel, child.unpacked === true);
    }
  };
  walk(JSON.parse(json.toString('utf8')) as AsarEntry, '');
  return files;
}

/** Names of the packages the app needs at run time (the lock's non-dev entries, wherever npm placed them). */
function productionPackages(): Set<string> {
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  return new Set(
    Object.entries(lock.packages)
      .filter(([key, info]) => key.includes('node_modules/') && info.dev !== true)
      .map(([key]) => key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length)),
  );
}

test.afterAll(removeTempDirs);

test('the packaged app holds the built app, migrations, hook and icons, unpacks the native modules, and ships nothing from tests', async () => {
  test.setTimeout(240_000);
  expect(fs.existsSync(path.join(ROOT, 'out/main/electron.js')), 'run `electron-vite build` first').toBe(true);
  const electronDist = tempDir('pitwall-electron-stand-in-');
  fs.writeFileSync(path.join(electronDist, 'electron'), '#!/bin/sh\necho "stand-in for the Electron binary"\n', { mode: 0o755 });
  fs.writeFileSync(path.join(electronDist, 'version'), 'v39.8.10');
  const output = tempDir('pitwall-dist-');

  await build({
    projectDir: ROOT,
    targets: Platform.LINUX.createTarget('dir', Arch.x64),
    publish: 'never',
    config: { ...config, npmRebuild: false, electronFuses: null, electronDist, directories: { ...config.directories, output } },
  });

  const resources = path.join(output, 'linux-unpacked', 'resources');
  const archive = path.join(resources, 'app.asar');
  const files = asarFiles(archive);
  const names = [...files.keys()];

  // What the app needs at run time.
  const migrations = fs.readdirSync(path.join(ROOT, 'db/migrations'), { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.relative(ROOT, path.join(d.parentPath, d.name)));
  for (const file of ['package.json', 'out/main/electron.js', 'out/main/serve.js', 'out/main/pty-host.js', 'out/main/transcript-scan.js', 'out/main/transcript-parse.js', 'out/preload/index.js', 'out/renderer/index.html', 'out/renderer/favicon.svg', 'resources/hook', ...migrations, ...TRAY_ICON_FILES.map((f) => `resources/tray/${f}`)]) {
    expect(files.has(file), file).toBe(true);
  }
  expect(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).main).toBe('out/main/electron.js');

  // Nothing else from the repository, nothing from tests, no source maps or type declarations.
  expect(names.filter((f) => !/^(package\.json|out\/|db\/migrations\/|resources\/|node_modules\/)/.test(f))).toEqual([]);
  expect(names.filter((f) => f.startsWith('resources/build/'))).toEqual([]);
  expect(names.filter((f) => /(^|\/)(tests?|__tests__)\/|\.(test|spec)\.[cm]?[jt]s$|\.map$|\.d\.ts$/.test(f))).toEqual([]);

  // Production dependencies only; none that Vite already bundled into the renderer.
  const shipped = new Set(names.filter((f) => f.startsWith('node_modules/')).map((f) => f.split('/').slice(1, f.split('/')[1]!.startsWith('@') ? 3 : 2).join('/')));
  for (const name of ['better-sqlite3', 'node-pty', 'drizzle-orm', 'simple-git', 'chokidar', 'ws', 'zod', 'electron-updater', 'cross-spawn']) expect(shipped.has(name), name).toBe(true);
  const production = productionPackages();
  expect([...shipped].filter((name) => !production.has(name))).toEqual([]);
  for (const name of ['electron', 'electron-builder', 'vitest', 'typescript', '@playwright/test', '@anthropic-ai/claude-code', 'drizzle-kit']) expect(shipped.has(name), name).toBe(false);
  for (const name of RENDERER_ONLY) expect(shipped.has(name), name).toBe(false);

  // Native modules, the hook and the tray icons sit outside the archive, where dlopen, Node and tray hosts can read them.
  const unpacked = path.join(resources, 'app.asar.unpacked');
  for (const file of ['node_modules/better-sqlite3/build/Release/better_sqlite3.node', 'node_modules/node-pty/build/Release/pty.node', 'resources/hook', 'resources/tray/tray-attention.png']) {
    expect(files.get(file), `${file} marked unpacked`).toBe(true);
    expect(fs.existsSync(path.join(unpacked, file)), `${file} on disk`).toBe(true);
  }
  expect(files.get('out/main/electron.js')).toBe(false);
  // The packaged app finds them where the packaging put them.
  const paths = appPaths(archive, true);
  expect(fs.existsSync(path.join(paths.resourcesDir, 'hook'))).toBe(true);
  expect(fs.existsSync(path.join(paths.trayIconDir, 'tray-idle.png'))).toBe(true);
  // The app binary is named for the product.
  expect(fs.existsSync(path.join(output, 'linux-unpacked', 'pitwall'))).toBe(true);
});
