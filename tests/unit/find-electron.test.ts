import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findElectron } from '../../scripts/lib/find-electron.mjs';

describe('finding the Electron binary', () => {
  it('answers null when the package throws (binary never downloaded)', () => {
    const require = () => {
      throw new Error('Electron failed to install correctly');
    };
    expect(findElectron('/app', require, () => true)).toBeNull();
  });

  it('answers null when the recorded path does not exist, and the path when it does', () => {
    const require = () => '/app/node_modules/electron/dist/electron';
    expect(findElectron('/app', require, () => false)).toBeNull();
    expect(findElectron('/app', require, () => true)).toBe('/app/node_modules/electron/dist/electron');
  });

  it('reads the installed electron package in both of its states: never downloaded, then downloaded', () => {
    // A copy of this checkout's electron package, so the answer does not depend on whether its
    // binary was downloaded here.
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'pitwall-electron-')));
    // The package's own override would point elsewhere whatever the copy holds.
    const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
    delete process.env.ELECTRON_OVERRIDE_DIST_PATH;
    try {
      const pkg = path.join(root, 'node_modules', 'electron');
      fs.mkdirSync(pkg, { recursive: true });
      const installed = path.dirname(createRequire(path.join(process.cwd(), 'package.json')).resolve('electron/package.json'));
      for (const file of ['package.json', 'index.js']) fs.copyFileSync(path.join(installed, file), path.join(pkg, file));
      fs.writeFileSync(path.join(root, 'package.json'), '{"name":"app","private":true}');
      expect(findElectron(root)).toBeNull();

      const executable = process.platform === 'win32' ? 'electron.exe' : 'electron';
      fs.mkdirSync(path.join(pkg, 'dist'));
      fs.writeFileSync(path.join(pkg, 'dist', executable), '');
      fs.writeFileSync(path.join(pkg, 'path.txt'), executable);
      expect(findElectron(root)).toBe(path.join(pkg, 'dist', executable));
    } finally {
      if (override !== undefined) process.env.ELECTRON_OVERRIDE_DIST_PATH = override;
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
