import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentProfile } from '../../src-common/domain/agent';
import type { Project } from '../../src-common/domain/project';
import type { App } from '../../src-main/app';
import { git, makeRepo } from '../helpers/git-repo';
import { removeTempDirs } from '../helpers/temp-dir';
import { makeTestApp } from '../helpers/test-app';
import { value } from '../helpers/wait';

// Item 11 of issue 15, as the attack: branch names git would read as something else, and a
// relative project path the server would resolve against its own working directory.

let app: App;
beforeEach(() => {
  app = makeTestApp();
});
afterEach(async () => {
  await app.sessions.shutdownAgents().catch(() => undefined);
  await app.dispose();
});
afterAll(removeTempDirs);

function refs(repo: string): string[] {
  return git(repo, 'for-each-ref', '--format=%(refname)').split('\n').filter(Boolean).sort();
}

describe('branch names are checked with git\'s rules, and the error says why', () => {
  it.each<[string, string]>([
    ['@', '"@" means the current commit'],
    ['HEAD', '"HEAD" means the current commit'],
    ['refs/heads/x', 'starts with "refs/"'],
    ['@{-1}', 'contains "@{"'],
    ['a..b', 'contains ".."'],
    ['feature/.hidden', 'starts with "."'],
    ['topic.lock', 'ends with ".lock"'],
    ['has space', 'space or a control character'],
    ['what?', 'contains "?"'],
    ['trailing/', 'starts or ends with "/"'],
  ])('refuses %j: %s', async (branch, why) => {
    const repo = makeRepo();
    // A previous branch, so `@{-1}` would name something if git were asked to expand it.
    git(repo, 'checkout', '-q', '-b', 'previous');
    git(repo, 'checkout', '-q', 'main');
    const project = value<Project>(await app.router.dispatch('projects:add', { path: repo }));
    const before = refs(repo);
    const result = await app.router.dispatch('worktrees:create', { projectId: project.id, branch });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_branch_name', message: expect.stringContaining(why) } });
    // Beneath the contract too, and through a session that asks for a new worktree.
    await expect(app.worktrees.create({ projectId: project.id, branch })).rejects.toMatchObject({ code: 'invalid_branch_name' });
    const profile = value<AgentProfile>(await app.router.dispatch('profiles:create', { name: 'idle', kind: 'shell', command: '/bin/sleep', args: ['5'] }));
    expect(await app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id, newWorktree: { branch } })).toMatchObject({ ok: false, error: { code: 'invalid_branch_name' } });
    expect(refs(repo)).toEqual(before);
    expect(fs.existsSync(project.resolvedWorktreeRoot)).toBe(false);
  });

  it('still takes an ordinary name with slashes and non-ASCII letters', async () => {
    const project = value<Project>(await app.router.dispatch('projects:add', { path: makeRepo() }));
    for (const branch of ['feature/login', 'fix/héllo', 'x@y']) {
      expect(value<{ status: string; branch: string }>(await app.router.dispatch('worktrees:create', { projectId: project.id, branch }))).toMatchObject({ status: 'active', branch });
    }
  });
});

describe('projects:add requires an absolute path', () => {
  it('refuses a relative path in the contract and in the core, whatever the server\'s working directory holds', async () => {
    const repo = makeRepo('relative-target');
    const cwd = process.cwd();
    process.chdir(path.dirname(repo));
    try {
      const relative = await app.router.dispatch('projects:add', { path: 'relative-target' });
      expect(relative).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringContaining('absolute path') } });
      await expect(app.projects.add('relative-target')).rejects.toMatchObject({ code: 'invalid_request', message: expect.stringContaining('not an absolute path') });
      await expect(app.projects.add('.')).rejects.toMatchObject({ code: 'invalid_request' });
    } finally {
      process.chdir(cwd);
    }
    expect(value<Project[]>(await app.router.dispatch('projects:list', {}))).toEqual([]);
    expect(value<Project>(await app.router.dispatch('projects:add', { path: repo })).path).toBe(repo);
  });
});
