import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gitRaw } from '../../src-main/git/git';
import { commitAll, conflictingFiles, landBranch } from '../../src-main/git/merge';
import { git, makeRepo, write } from '../helpers/git-repo';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';

afterAll(removeTempDirs);

/** A repo whose main moved on after a worktree branched off it. */
function scenario(conflict: boolean) {
  const repo = makeRepo();
  write(repo, 'shared.txt', 'one\ntwo\nthree\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '--quiet', '-m', 'shared');
  const wt = path.join(tempDir(), 'wt');
  git(repo, 'worktree', 'add', '--quiet', '-b', 'task', wt, 'main');
  write(wt, 'feature.txt', 'feature\n');
  if (conflict) write(wt, 'shared.txt', 'one\nTWO from the agent\nthree\n');
  git(wt, 'add', '.');
  git(wt, 'commit', '--quiet', '-m', 'agent 1');
  write(wt, 'feature2.txt', 'more\n');
  git(wt, 'add', '.');
  git(wt, 'commit', '--quiet', '-m', 'agent 2');
  // The base moves on.
  write(repo, 'shared.txt', conflict ? 'one\nTWO on main\nthree\n' : 'one\ntwo\nthree\nfour\n');
  git(repo, 'commit', '--quiet', '-am', 'main moves');
  return { repo, wt, baseBefore: git(repo, 'rev-parse', 'main') };
}

describe('landing a branch on a base that moved', () => {
  it.each(['merge', 'squash', 'rebase'] as const)('%s lands cleanly into the checked-out base', async (strategy) => {
    const { repo, wt, baseBefore } = scenario(false);
    const tip = await landBranch({ repo, base: 'main', branch: 'task', branchWorktree: wt, strategy, message: 'Task: add the feature' });
    expect(git(repo, 'rev-parse', 'main')).toBe(tip);
    expect(git(repo, 'show', 'main:feature.txt')).toBe('feature');
    expect(git(repo, 'show', 'main:shared.txt')).toBe('one\ntwo\nthree\nfour');
    const newCommits = git(repo, 'rev-list', `${baseBefore}..main`).split('\n');
    if (strategy === 'squash') {
      expect(newCommits).toHaveLength(1);
      expect(git(repo, 'log', '-1', '--format=%s', 'main')).toBe('Task: add the feature');
    } else if (strategy === 'merge') {
      expect(newCommits).toHaveLength(3);
      expect(git(repo, 'log', '-1', '--format=%P', 'main').split(' ')).toHaveLength(2);
    } else {
      expect(newCommits).toHaveLength(2);
      expect(git(repo, 'log', '--format=%P', '-1', 'main').split(' ')).toHaveLength(1);
    }
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });

  it.each(['merge', 'squash', 'rebase'] as const)('%s refuses a conflict, naming the files and leaving everything as it was', async (strategy) => {
    const { repo, wt, baseBefore } = scenario(true);
    const branchBefore = git(repo, 'rev-parse', 'task');
    expect(await conflictingFiles(repo, 'main', 'task')).toEqual(['shared.txt']);
    await expect(landBranch({ repo, base: 'main', branch: 'task', branchWorktree: wt, strategy, message: 'x' })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('shared.txt'),
    });
    expect(git(repo, 'rev-parse', 'main')).toBe(baseBefore);
    expect(git(repo, 'rev-parse', 'task')).toBe(branchBefore);
    expect(git(repo, 'status', '--porcelain')).toBe('');
    expect(git(wt, 'status', '--porcelain')).toBe('');
  });

  it('refuses to merge into a main checkout with uncommitted changes, saying why', async () => {
    const { repo, wt, baseBefore } = scenario(false);
    write(repo, 'README.md', '# edited by the user, not committed\n');
    await expect(landBranch({ repo, base: 'main', branch: 'task', branchWorktree: wt, strategy: 'squash', message: 'x' })).rejects.toMatchObject({
      code: 'dirty_worktree',
      message: expect.stringContaining('README.md'),
    });
    expect(git(repo, 'rev-parse', 'main')).toBe(baseBefore);
    expect(git(repo, 'diff', '--name-only')).toBe('README.md');
  });

  it.each(['merge', 'squash', 'rebase'] as const)('%s refuses, naming them, when untracked files in the main checkout would be overwritten', async (strategy) => {
    const { repo, wt, baseBefore } = scenario(false);
    // The agent committed files the user also has, untracked, in the main checkout.
    write(wt, '.env', 'SECRET=from-the-agent\n');
    write(wt, 'notes/todo list.md', '# agent\n');
    git(wt, 'add', '.');
    git(wt, 'commit', '--quiet', '-m', 'agent adds env');
    write(repo, '.env', 'SECRET=the-users-own\n');
    write(repo, 'notes/todo list.md', '# mine\n');
    write(repo, 'unrelated.txt', 'untracked, but not in the way\n');
    const refused = landBranch({ repo, base: 'main', branch: 'task', branchWorktree: wt, strategy, message: 'x' });
    await expect(refused).rejects.toMatchObject({ code: 'dirty_worktree' });
    const message = ((await refused.catch((e: unknown) => e)) as Error).message;
    expect(message).toContain('would overwrite untracked files (.env, notes/todo list.md)');
    expect(message).not.toContain('unrelated.txt');
    expect(message).not.toMatch(/Updating [0-9a-f]+\.\./);
    expect(git(repo, 'rev-parse', 'main')).toBe(baseBefore);
    expect(fs.readFileSync(path.join(repo, '.env'), 'utf8')).toBe('SECRET=the-users-own\n');
  });

  it("gives git's reason and the files it names when git itself refuses, not its progress line", async () => {
    const repo = makeRepo();
    git(repo, 'switch', '--quiet', '-c', 'task');
    write(repo, '.env', 'A=1\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', 'env');
    git(repo, 'switch', '--quiet', 'main');
    write(repo, '.env', 'A=mine\n');
    // A fast-forward prints "Updating a..b" first; the reason is on stderr after it.
    const failure = await gitRaw(repo, ['merge', '--ff-only', 'task']).catch((e: unknown) => e as Error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe('git merge failed: The following untracked working tree files would be overwritten by merge: .env');
  });

  it('merges in a scratch worktree when the base is not checked out anywhere', async () => {
    const { repo, wt } = scenario(false);
    git(repo, 'switch', '--quiet', '-c', 'elsewhere');
    write(repo, 'wip.txt', 'the user is working on something else\n');
    await landBranch({ repo, base: 'main', branch: 'task', branchWorktree: wt, strategy: 'squash', message: 'Task' });
    expect(git(repo, 'show', 'main:feature2.txt')).toBe('more');
    expect(git(repo, 'branch', '--show-current')).toBe('elsewhere');
    expect(git(repo, 'status', '--porcelain')).toBe('?? wip.txt');
    expect(git(repo, 'worktree', 'list').split('\n')).toHaveLength(2);
  });

  it('commits leftover work in the task worktree before landing it', async () => {
    const { wt } = scenario(false);
    write(wt, 'uncommitted.txt', 'left by the agent\n');
    expect(await commitAll(wt, 'Pitwall: uncommitted agent work')).toBe(true);
    expect(await commitAll(wt, 'again')).toBe(false);
    expect(git(wt, 'log', '-1', '--format=%s')).toBe('Pitwall: uncommitted agent work');
  });
});
