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

  it('finds no binary in this checkout, where it is installed without one', () => {
    expect(findElectron(process.cwd())).toBeNull();
  });
});
