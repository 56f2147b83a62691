import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertEnvironmentPrivate, assertPrivateHome, realHomes } from '../helpers/private-home';

describe('the private home every test runs with', () => {
  it('is an empty folder of its own, and every home variable points into it', () => {
    const home = os.homedir();
    expect(realHomes().length).toBeGreaterThan(0);
    expect(realHomes()).not.toContain(fs.realpathSync(home));
    expect(path.basename(home)).toMatch(/^pitwall-home-/);
    expect(fs.readdirSync(home)).toEqual([]);
    for (const name of ['USERPROFILE', 'APPDATA', 'LOCALAPPDATA']) expect(process.env[name]?.startsWith(home), name).toBe(true);
    // Unset, so they follow whichever HOME a program is given.
    for (const name of ['XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME', 'XDG_STATE_HOME', 'CLAUDE_CONFIG_DIR', 'CODEX_HOME']) expect(process.env[name], name).toBeUndefined();
  });

  it('refuses the real home, or a folder inside it, loudly', () => {
    const real = realHomes()[0]!;
    expect(() => assertPrivateHome(real)).toThrow(/real home/);
    expect(() => assertPrivateHome(path.join(real, '.claude'), 'CLAUDE_CONFIG_DIR')).toThrow(/CLAUDE_CONFIG_DIR .* real home/);
    const saved = process.env.XDG_CONFIG_HOME;
    process.env.XDG_CONFIG_HOME = path.join(real, '.config');
    try {
      expect(() => assertEnvironmentPrivate()).toThrow(/XDG_CONFIG_HOME/);
    } finally {
      process.env.XDG_CONFIG_HOME = saved;
    }
    expect(() => assertEnvironmentPrivate()).not.toThrow();
  });
});
