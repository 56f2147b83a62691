import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nextVersion, softDeletion } from '../../db/row-version';
import { SNIPPET_HIT_CLOSE, SNIPPET_HIT_OPEN, snippetParts } from '../../src-common/domain/transcript';
import { isUuid, newId } from '../../src-common/ids';
import { argValue, defaultDataDir, resolveDataDir } from '../../src-main/config';
import { parseWorktreeList } from '../../src-main/git/worktree';
import { tokensEqual } from '../../src-main/http/auth';
import { folderNameFor } from '../../src-main/projects/project-service';
import { assertInside, folderForBranch, worktreePathFor } from '../../src-main/worktrees/worktree-paths';

describe('ids', () => {
  it('are UUIDv7 and sort by creation time, within one millisecond too', () => {
    // Thousands in a row span several milliseconds and share many: each must sort after the one before.
    const ids = Array.from({ length: 5000 }, () => newId());
    expect(ids.every(isUuid)).toBe(true);
    expect(ids[0]![14]).toBe('7');
    expect(ids.every((id, i) => i === 0 || ids[i - 1]! < id)).toBe(true);
    expect(new Set(ids.map((id) => id.slice(0, 13))).size).toBeGreaterThan(1);
  });
});

describe('data dir', () => {
  it('defaults to the platform app-data folder', () => {
    expect(defaultDataDir('linux', {}, '/home/u')).toBe('/home/u/.config/pitwall');
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '/xdg' }, '/home/u')).toBe('/xdg/pitwall');
    expect(defaultDataDir('darwin', {}, '/Users/u')).toBe('/Users/u/Library/Application Support/pitwall');
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'C:\\Users\\u')).toContain('pitwall');
  });

  it('prefers --data-dir, then PITWALL_DATA_DIR', () => {
    expect(resolveDataDir(['--data-dir', '/a'], { PITWALL_DATA_DIR: '/b' })).toBe('/a');
    expect(resolveDataDir(['--data-dir=/c'], {})).toBe('/c');
    expect(resolveDataDir([], { PITWALL_DATA_DIR: '/b' })).toBe('/b');
    expect(resolveDataDir(['--data-dir', 'rel'], {})).toBe(path.resolve('rel'));
    expect(argValue(['--port', '0'], 'port')).toBe('0');
    expect(argValue(['--portx', '0'], 'port')).toBeUndefined();
  });
});

describe('worktree paths', () => {
  it('map branches to folders inside the root', () => {
    expect(folderForBranch('feature/login')).toBe('feature-login');
    expect(folderForBranch('..hidden')).toBe('_hidden');
    expect(worktreePathFor('/root/wt', 'feat/a')).toBe('/root/wt/feat-a');
    expect(worktreePathFor('/root/wt', '../../etc')).toBe('/root/wt/_-..-etc');
    expect(path.dirname(worktreePathFor('/root/wt', '../../etc'))).toBe('/root/wt');
  });

  it('refuse any path that leaves the root', () => {
    expect(() => assertInside('/root/wt', '/root/other')).toThrow(/outside the worktree root/);
    expect(() => assertInside('/root/wt', '/root/wt')).toThrow();
    expect(() => assertInside('/root/wt', '/root/wt/a/../../x')).toThrow();
    expect(() => assertInside('/root/wt', '/root/wt/a')).not.toThrow();
  });

  it('name project folders safely', () => {
    expect(folderNameFor('My Repo!', '0190aaaa-bbbb-7ccc-8ddd-eeeeffff0000')).toBe('my-repo-ffff0000');
    expect(folderNameFor('../..', 'abcdefgh12345678')).toBe('..-..-12345678');
  });
});

describe('git worktree list parsing', () => {
  it('reads porcelain -z output with branches, detached heads, prunable and locked entries', () => {
    const out = [
      'worktree /repo', 'HEAD aaa', 'branch refs/heads/main', '',
      'worktree /wt/feat', 'HEAD bbb', 'branch refs/heads/feat/x', '',
      'worktree /wt/detached', 'HEAD ccc', 'detached', '',
      'worktree /wt/gone', 'HEAD ddd', 'branch refs/heads/gone', 'prunable gitdir file points to non-existent location', '',
      'worktree /wt/half', 'HEAD eee', 'branch refs/heads/half', 'locked initializing', '',
      'worktree /wt/kept', 'HEAD fff', 'branch refs/heads/kept', 'locked', '',
    ].join('\0');
    expect(parseWorktreeList(out)).toEqual([
      { path: '/repo', head: 'aaa', branch: 'main', bare: false, detached: false, prunable: false, locked: null },
      { path: '/wt/feat', head: 'bbb', branch: 'feat/x', bare: false, detached: false, prunable: false, locked: null },
      { path: '/wt/detached', head: 'ccc', branch: null, bare: false, detached: true, prunable: false, locked: null },
      { path: '/wt/gone', head: 'ddd', branch: 'gone', bare: false, detached: false, prunable: true, locked: null },
      { path: '/wt/half', head: 'eee', branch: 'half', bare: false, detached: false, prunable: false, locked: 'initializing' },
      { path: '/wt/kept', head: 'fff', branch: 'kept', bare: false, detached: false, prunable: false, locked: '' },
    ]);
  });
});

describe('token comparison', () => {
  it('accepts only the exact token', () => {
    expect(tokensEqual('secret', 'secret')).toBe(true);
    expect(tokensEqual('secret', 'secreT')).toBe(false);
    expect(tokensEqual('secret', 'secret ')).toBe(false);
    expect(tokensEqual('secret', '')).toBe(false);
    expect(tokensEqual('secret', undefined)).toBe(false);
  });
});

describe('search snippets', () => {
  it('are cut into plain runs and hits by the markers the core writes, stray markers dropped', () => {
    const o = SNIPPET_HIT_OPEN;
    const c = SNIPPET_HIT_CLOSE;
    expect(snippetParts(`…the ${o}flux${c} and the ${o}capacitor${c}…`)).toEqual([
      { text: '…the ', hit: false },
      { text: 'flux', hit: true },
      { text: ' and the ', hit: false },
      { text: 'capacitor', hit: true },
      { text: '…', hit: false },
    ]);
    expect(snippetParts(`${o}whole${c}`)).toEqual([{ text: 'whole', hit: true }]);
    expect(snippetParts(`cut ${o}off`)).toEqual([{ text: 'cut off', hit: false }]);
    expect(snippetParts(`a${c}b`)).toEqual([{ text: 'ab', hit: false }]);
    expect(snippetParts('')).toEqual([]);
  });
});

describe('row versions', () => {
  it('move on by one with the time of the change, for updates and soft deletes alike', () => {
    expect(nextVersion({ version: 4 }, 1000)).toEqual({ version: 5, updatedAt: 1000 });
    expect(softDeletion({ version: 1 }, 2000)).toEqual({ version: 2, updatedAt: 2000, deletedAt: 2000 });
  });
});
