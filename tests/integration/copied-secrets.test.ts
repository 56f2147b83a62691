import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AgentProfile } from '../../src-common/domain/agent';
import type { WorktreeDiff } from '../../src-common/domain/diff';
import type { Project } from '../../src-common/domain/project';
import type { Task } from '../../src-common/domain/task';
import type { Worktree } from '../../src-common/domain/worktree';
import type { App } from '../../src-main/app';
import { commitAll } from '../../src-main/git/merge';
import { exactIgnorePattern } from '../../src-main/worktrees/copied-files';
import { git, makeRepo, write } from '../helpers/git-repo';
import { removeTempDirs } from '../helpers/temp-dir';
import { makeTestApp } from '../helpers/test-app';
import { poller, value } from '../helpers/wait';

const until = poller({ timeoutMs: 20_000, intervalMs: 50 });

let app: App | null = null;
afterEach(async () => {
  await app?.sessions.shutdownAgents().catch(() => undefined);
  await app?.dispose();
  app = null;
});
afterAll(removeTempDirs);

/** A repository with a `.env` it does not ignore (the case of the issue), registered in a fresh core. */
async function repoWithEnv(): Promise<{ app: App; repo: string; project: Project }> {
  app = makeTestApp();
  await app.ready;
  const repo = makeRepo('secrets');
  write(repo, '.env', 'SECRET=1\n');
  write(repo, 'config/local [dev].env', 'OTHER_SECRET=2\n');
  const project = value<Project>(await app.router.dispatch('projects:add', { path: repo }));
  value(await app.router.dispatch('projects:update', { id: project.id, config: { copyFiles: ['.env*', 'config/*.env'] } }));
  return { app, repo, project };
}

describe('files Pitwall copies into a worktree', () => {
  it('are there for the agent but ignored by git in the worktree, so no commit and no diff picks them up', async () => {
    const { app, repo, project } = await repoWithEnv();
    const wt = value<Worktree>(await app.router.dispatch('worktrees:create', { projectId: project.id, branch: 'agent/work' }));
    expect(fs.readFileSync(path.join(wt.path, '.env'), 'utf8')).toBe('SECRET=1\n');
    expect(fs.readFileSync(path.join(wt.path, 'config/local [dev].env'), 'utf8')).toBe('OTHER_SECRET=2\n');
    expect(wt.initLog).toContain('kept out of commits: .env, config/local [dev].env');
    expect(git(wt.path, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    expect(git(wt.path, 'check-ignore', '.env', 'config/local [dev].env').split('\n')).toEqual(['.env', 'config/local [dev].env']);
    const exclude = fs.readFileSync(path.join(repo, '.git', 'info', 'exclude'), 'utf8');
    expect(exclude).toContain('# Pitwall: files it copied');
    expect(exclude).toContain('/config/local \\[dev].env');

    // Even an agent's own `git add -A` leaves them out; its real work goes in.
    write(wt.path, 'feature.txt', 'work\n');
    git(wt.path, 'add', '-A');
    expect(git(wt.path, 'diff', '--cached', '--name-only')).toBe('feature.txt');
    const diff = value<WorktreeDiff>(await app.router.dispatch('diffs:get', { worktreeId: wt.id }));
    expect(diff.files.map((f) => f.newPath)).toEqual(['feature.txt']);
    expect(diff.secrets).toEqual([]);

    // A second worktree lists them once.
    value<Worktree>(await app.router.dispatch('worktrees:create', { projectId: project.id, branch: 'agent/more' }));
    const again = fs.readFileSync(path.join(repo, '.git', 'info', 'exclude'), 'utf8');
    expect(again.split('\n').filter((l) => l === '/.env')).toHaveLength(1);
    expect(again.split('\n').filter((l) => l.startsWith('# Pitwall'))).toHaveLength(1);
  });

  it('never land in the task branch or the base, even when the repository un-ignores them; the review warns about secrets the agent added', async () => {
    const { app, repo, project } = await repoWithEnv();
    // The repository's own .gitignore wins over info/exclude: Pitwall's commit must still leave .env out.
    write(repo, '.gitignore', '!.env\n');
    git(repo, 'add', '.gitignore');
    git(repo, 'commit', '--quiet', '-m', 'track env files on purpose');
    const script = 'echo feature > feature.txt; echo API_KEY=abc > .env.production; printf "%s\\n" "-----BEGIN OPENSSH PRIVATE KEY-----" > deploy_key.txt; echo "EXAMPLE=1" > .env.example';
    const profile = value<AgentProfile>(await app.router.dispatch('profiles:create', { name: 'agent', kind: 'shell', command: '/bin/sh', args: ['-c', script] }));
    const task = value<Task>(await app.router.dispatch('tasks:create', { projectId: project.id, title: 'Ship it', profileId: profile.id }));
    value(await app.router.dispatch('tasks:start', { id: task.id }));
    const waiting = await until(async () => {
      const t = value<Task>(await app.router.dispatch('tasks:get', { id: task.id }));
      return t.column === 'waiting_approval' ? t : undefined;
    }, 'waiting_approval');

    const diff = value<WorktreeDiff>(await app.router.dispatch('diffs:get', { worktreeId: waiting.worktreeId! }));
    expect(diff.secrets).toEqual([
      { path: '.env.production', reason: 'looks like an environment file' },
      { path: 'deploy_key.txt', reason: 'holds what looks like a private key' },
    ]);
    // The review shows what would be merged: not the copied .env.
    expect(diff.files.map((f) => f.newPath).sort()).toEqual(['.env.example', '.env.production', 'deploy_key.txt', 'feature.txt']);

    const approved = value<Task>(await app.router.dispatch('tasks:approve', { id: task.id, strategy: 'merge' }));
    expect(approved.column).toBe('verified');
    const landed = git(repo, 'ls-tree', '-r', '--name-only', 'main').split('\n');
    expect(landed).toEqual(expect.arrayContaining(['feature.txt', '.env.production', '.env.example', 'deploy_key.txt']));
    expect(landed).not.toContain('.env');
    expect(landed).not.toContain('config/local [dev].env');
    expect(git(repo, 'log', '--all', '--format=%H', '--', '.env')).toBe('');
  });

  it('are left out of Pitwall’s own commit by exact path, whatever characters the path has', async () => {
    const repo = makeRepo('pathspec');
    for (const name of ['.env', 'we*rd', 'weXrd', 'keep']) write(repo, name, `${name}\n`);
    expect(await commitAll(repo, 'save', ['.env', 'we*rd'])).toBe(true);
    expect(git(repo, 'show', '--name-only', '--format=', 'HEAD').split('\n').sort()).toEqual(['keep', 'weXrd']);
    expect(exactIgnorePattern('a*b?[c]\\d ')).toBe('/a\\*b\\?\\[c]\\\\d\\ ');
  });
});
