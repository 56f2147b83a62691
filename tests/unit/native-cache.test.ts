import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildNativeModules, nativeBuildDir, plannedBuilds, type RebuildCall } from '../../scripts/lib/native-cache.mjs';
import { electronModuleDir, electronNodePtyPath, electronSqliteBinding } from '../../src-main/electron/native-binding';

// Electron cannot run here, so the build itself is @electron/rebuild's business; what is ours, and
// tested here in plain Node, is where builds go, when one is stale, and that a build lands whole.

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) fs.rmSync(root, { recursive: true, force: true });
});

/** An app folder with the two native packages installed at `versions`, each with a Node build. */
function appRoot(versions: { sqlite: string; pty: string }): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'pitwall-native-')));
  roots.push(root);
  for (const [name, version] of [['better-sqlite3', versions.sqlite], ['node-pty', versions.pty]] as const) {
    const pkg = path.join(root, 'node_modules', name);
    fs.mkdirSync(path.join(pkg, 'build', 'Release'), { recursive: true });
    fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name, version }));
    fs.writeFileSync(path.join(pkg, 'build', 'Release', 'node-build.node'), 'built for Node');
    fs.writeFileSync(path.join(pkg, 'index.js'), '');
  }
  return root;
}

/** Stands in for @electron/rebuild: records its calls and writes what a build of the package leaves. */
function recordingRebuild(fail = false) {
  const calls: (RebuildCall & { stagedFiles: string[] })[] = [];
  const rebuild = async (call: RebuildCall): Promise<void> => {
    const pkg = path.join(call.buildPath, 'node_modules', call.onlyModules[0]!);
    calls.push({ ...call, stagedFiles: fs.readdirSync(pkg).sort() });
    if (fail) throw new Error('gyp failed');
    fs.mkdirSync(path.join(pkg, 'build', 'Release'), { recursive: true });
    fs.writeFileSync(path.join(pkg, 'build', 'Release', call.onlyModules[0] === 'better-sqlite3' ? 'better_sqlite3.node' : 'pty.node'), `built for Electron ${call.electronVersion}`);
  };
  return { calls, rebuild };
}

const target = { electronVersion: '39.2.0', platform: 'linux', arch: 'x64' };

describe('native modules built for Electron', () => {
  it('are kept where the app looks for them: the script and the app agree on every key', () => {
    for (const key of [
      { ...target, name: 'better-sqlite3', version: '12.11.1' },
      { electronVersion: '40.0.0', platform: 'win32', arch: 'arm64', name: 'node-pty', version: '1.2.0-beta.1' },
    ]) {
      expect(nativeBuildDir('/app', key)).toBe(electronModuleDir('/app', key, key.name, key.version));
    }
    const base = { ...target, name: 'better-sqlite3', version: '12.11.1' };
    const dirs = new Set([base, { ...base, electronVersion: '39.2.1' }, { ...base, platform: 'darwin' }, { ...base, arch: 'arm64' }, { ...base, version: '12.12.0' }].map((k) => nativeBuildDir('/app', k)));
    expect(dirs.size).toBe(5);
  });

  it('are built once, without the Node build, moved into place whole, and found by the app', async () => {
    const root = appRoot({ sqlite: '12.11.1', pty: '1.1.0' });
    expect(plannedBuilds(root, target.electronVersion, target.platform, target.arch).map((b) => b.present)).toEqual([false, false]);
    const { calls, rebuild } = recordingRebuild();
    const first = await buildNativeModules(root, target.electronVersion, { rebuild, platform: target.platform, arch: target.arch });
    expect(first.map((b) => [b.name, b.built])).toEqual([['better-sqlite3', true], ['node-pty', true]]);
    expect(calls.map((c) => [c.onlyModules, c.electronVersion, c.platform, c.arch, c.force])).toEqual([
      [['better-sqlite3'], '39.2.0', 'linux', 'x64', true],
      [['node-pty'], '39.2.0', 'linux', 'x64', true],
    ]);
    // The staged copy had no build folder, so the one found afterwards is the Electron build.
    expect(calls.every((c) => !c.stagedFiles.includes('build'))).toBe(true);
    const sqlite = electronSqliteBinding(root, target)!;
    expect(fs.readFileSync(sqlite, 'utf8')).toBe('built for Electron 39.2.0');
    expect(electronNodePtyPath(root, target)).toBe(nativeBuildDir(root, { ...target, name: 'node-pty', version: '1.1.0' }));
    // node_modules keeps its Node builds (npm test after npm start).
    expect(fs.readFileSync(path.join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'node-build.node'), 'utf8')).toBe('built for Node');
    expect(fs.readdirSync(path.join(root, '.native')).filter((f) => f.startsWith('stage-'))).toEqual([]);

    const again = await buildNativeModules(root, target.electronVersion, { rebuild, platform: target.platform, arch: target.arch });
    expect(again.map((b) => b.built)).toEqual([false, false]);
    expect(calls).toHaveLength(2);
  });

  it('go stale when a dependency is bumped: only that module is built again, and the app no longer loads the old one', async () => {
    const root = appRoot({ sqlite: '12.11.1', pty: '1.1.0' });
    const { calls, rebuild } = recordingRebuild();
    await buildNativeModules(root, target.electronVersion, { rebuild, platform: target.platform, arch: target.arch });
    fs.writeFileSync(path.join(root, 'node_modules', 'better-sqlite3', 'package.json'), JSON.stringify({ name: 'better-sqlite3', version: '12.12.0' }));
    expect(electronSqliteBinding(root, target)).toBeUndefined();
    expect(electronNodePtyPath(root, target)).toBeDefined();
    const after = await buildNativeModules(root, target.electronVersion, { rebuild, platform: target.platform, arch: target.arch });
    expect(after.map((b) => [b.name, b.built])).toEqual([['better-sqlite3', true], ['node-pty', false]]);
    expect(calls.map((c) => c.onlyModules[0])).toEqual(['better-sqlite3', 'node-pty', 'better-sqlite3']);
    expect(electronSqliteBinding(root, target)).toContain('better-sqlite3-12.12.0');
  });

  it('leave nothing behind when a build fails, so the next start tries again', async () => {
    const root = appRoot({ sqlite: '12.11.1', pty: '1.1.0' });
    const { rebuild } = recordingRebuild(true);
    await expect(buildNativeModules(root, target.electronVersion, { rebuild, platform: target.platform, arch: target.arch })).rejects.toThrow('gyp failed');
    expect(fs.readdirSync(path.join(root, '.native'))).toEqual([]);
    expect(electronSqliteBinding(root, target)).toBeUndefined();
  });
});
