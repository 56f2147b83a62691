import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Project } from '../../src-common/domain/project';
import type { Worktree } from '../../src-common/domain/worktree';
import type { Result } from '../../src-common/result';
import type { App } from '../../src-main/app';
import { addOrigin, git, makeRepo, write } from '../helpers/git-repo';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { makeTestApp } from '../helpers/test-app';

let app: App;

beforeEach(() => {
  app = makeTestApp();
});
afterEach(async () => {
  await app.dispose();
});
afterAll(removeTempDirs);

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

async function call<T>(channel: string, request: unknown): Promise<Result<T>> {
  return (await app.router.dispatch(channel, request)) as Result<T>;
}

async function addProject(repo: string): Promise<Project> {
  return value(await call<Project>('projects:add', { path: repo }));
}

async function create(projectId: string, branch: string, base?: string): Promise<Worktree> {
  return value(await call<Worktree>('worktrees:create', { projectId, branch, ...(base ? { base } : {}) }));
}

async function list(projectId: string): Promise<Worktree[]> {
  return value(await call<Worktree[]>('worktrees:list', { projectId }));
}

describe('projects', () => {
  it('registers a repository from any folder inside it, and the same path twice returns the same project', async () => {
    const repo = makeRepo();
    fs.mkdirSync(path.join(repo, 'src'));
    const first = await addProject(path.join(repo, 'src'));
    const second = await addProject(repo);
    expect(first.path).toBe(repo);
    expect(second.id).toBe(first.id);
    expect(first.config.baseBranch).toBe('main');
    expect(first.resolvedWorktreeRoot.startsWith(app.config.dataDir)).toBe(true);
    expect(value(await call<Project[]>('projects:list', {}))).toHaveLength(1);
  });

  it('refuses a folder that is not a git repository, and one that does not exist, with clear errors', async () => {
    const plain = tempDir();
    const notRepo = await call('projects:add', { path: plain });
    expect(notRepo).toMatchObject({ ok: false, error: { code: 'not_a_git_repository' } });
    expect(!notRepo.ok && notRepo.error.message).toContain(plain);
    const missing = await call('projects:add', { path: path.join(plain, 'nope') });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('updates settings with validation and removes only the record, never the files', async () => {
    const repo = makeRepo();
    const project = await addProject(repo);
    const bad = await call('projects:update', { id: project.id, config: { maxConcurrentAgents: 0 } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(!bad.ok && bad.error.message).toContain('maxConcurrentAgents');
    const updated = value(await call<Project>('projects:update', { id: project.id, name: 'Renamed', config: { verifyCommand: 'npm test' } }));
    expect(updated).toMatchObject({ name: 'Renamed', config: { verifyCommand: 'npm test', baseBranch: 'main' }, version: project.version + 1 });
    value(await call('projects:remove', { id: project.id }));
    expect(value(await call<Project[]>('projects:list', {}))).toHaveLength(0);
    expect(fs.existsSync(path.join(repo, 'README.md'))).toBe(true);
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });
});

describe('worktrees', () => {
  it('fetches the base from the remote first, so a new worktree starts at the remote tip', async () => {
    const repo = makeRepo();
    const remote = addOrigin(repo);
    // Someone else pushes to main; the local repo has not fetched it.
    const other = path.join(tempDir(), 'other');
    git(path.dirname(other), 'clone', '--quiet', remote, other);
    write(other, 'teammate.txt', 'from a teammate\n');
    git(other, 'add', '.');
    git(other, '-c', 'user.name=T', '-c', 'user.email=t@e.x', 'commit', '--quiet', '-m', 'teammate');
    git(other, 'push', '--quiet', 'origin', 'main');
    const remoteTip = git(other, 'rev-parse', 'HEAD');

    const project = await addProject(repo);
    const wt = await create(project.id, 'feature/login');
    expect(wt.status).toBe('active');
    expect(wt.baseRef).toBe('origin/main');
    expect(wt.path).toBe(path.join(project.resolvedWorktreeRoot, 'feature-login'));
    expect(git(wt.path, 'rev-parse', 'HEAD')).toBe(remoteTip);
    expect(git(wt.path, 'branch', '--show-current')).toBe('feature/login');
    expect(fs.existsSync(path.join(wt.path, 'teammate.txt'))).toBe(true);
    expect(wt.git).toMatchObject({ dirtyCount: 0, ahead: 0, behind: 0, headSha: remoteTip });
  });

  it('copies included untracked files and runs the init script, keeping its output', async () => {
    const repo = makeRepo();
    write(repo, '.gitignore', '.env\nnode_modules/\nconfig/local.json\n');
    write(repo, '.worktreeinclude', 'config/local.json\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', 'ignore');
    write(repo, '.env', 'SECRET=1\n');
    write(repo, 'config/local.json', '{"local":true}\n');
    write(repo, 'node_modules/big/index.js', 'x');
    const project = await addProject(repo);
    value(await call('projects:update', { id: project.id, config: { initScript: 'echo init-ran-in-$(basename "$PWD") && ls -a' } }));

    const wt = await create(project.id, 'setup');
    expect(wt.status).toBe('active');
    expect(fs.readFileSync(path.join(wt.path, '.env'), 'utf8')).toBe('SECRET=1\n');
    expect(fs.readFileSync(path.join(wt.path, 'config/local.json'), 'utf8')).toBe('{"local":true}\n');
    expect(fs.existsSync(path.join(wt.path, 'node_modules'))).toBe(false);
    expect(wt.initLog).toContain('init-ran-in-setup');
    expect(wt.initLog).toContain('.env');
  });

  it('records a failing init script as an error with its output', async () => {
    const repo = makeRepo();
    const project = await addProject(repo);
    value(await call('projects:update', { id: project.id, config: { initScript: 'echo about-to-fail; exit 3' } }));
    const wt = await create(project.id, 'broken-init');
    expect(wt.status).toBe('error');
    expect(wt.error).toContain('exited with 3');
    expect(wt.initLog).toContain('about-to-fail');
  });

  it('refuses injected and invalid branch names before git sees them', async () => {
    const repo = makeRepo();
    const project = await addProject(repo);
    const injected = await call('worktrees:create', { projectId: project.id, branch: '--upload-pack=x' });
    expect(injected).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    // The service refuses it too when called directly, beneath the contract.
    await expect(app.worktrees.create({ projectId: project.id, branch: '--upload-pack=x' })).rejects.toMatchObject({ code: 'invalid_branch_name' });
    for (const branch of ['bad..name', 'has space', '../../escape', 'ends.lock', 'a~b']) {
      const result = await call('worktrees:create', { projectId: project.id, branch });
      expect(result, branch).toMatchObject({ ok: false, error: { code: 'invalid_branch_name' } });
    }
    expect(git(repo, 'branch', '--list').split('\n')).toHaveLength(1);
    expect(fs.existsSync(project.resolvedWorktreeRoot)).toBe(false);
  });

  it('refuses a branch that already exists', async () => {
    const repo = makeRepo();
    git(repo, 'branch', 'taken');
    const project = await addProject(repo);
    expect(await call('worktrees:create', { projectId: project.id, branch: 'taken' })).toMatchObject({ ok: false, error: { code: 'already_exists' } });
    // Asked twice at once: one is made, the other refused as existing (never a half-made second worktree).
    const both = await Promise.all([call('worktrees:create', { projectId: project.id, branch: 'twice' }), call('worktrees:create', { projectId: project.id, branch: 'twice' })]);
    const made = both.filter((r) => r.ok);
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ value: { status: 'active' } });
    expect(both.find((r) => !r.ok)).toMatchObject({ ok: false, error: { code: 'already_exists' } });
  });

  it('lists live status and notices worktrees, branch moves and deletions made outside Pitwall', async () => {
    const repo = makeRepo();
    const project = await addProject(repo);
    const wt = await create(project.id, 'work');
    write(wt.path, 'new.txt', 'untracked\n');
    write(wt.path, 'README.md', '# changed\n');
    write(wt.path, 'committed.txt', 'c\n');
    git(wt.path, 'add', 'committed.txt');
    git(wt.path, 'commit', '--quiet', '-m', 'ahead by one');
    write(repo, 'base-moved.txt', 'b\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', 'base moved');

    const outside = path.join(tempDir(), 'outside');
    git(repo, 'worktree', 'add', '--quiet', '-b', 'made-outside', outside);

    let listed = await list(project.id);
    const mine = listed.find((w) => w.id === wt.id)!;
    expect(mine.git).toMatchObject({ dirtyCount: 2, ahead: 1, behind: 1, currentBranch: 'work' });
    const external = listed.find((w) => w.path === outside)!;
    expect(external).toMatchObject({ external: true, branch: 'made-outside', status: 'active' });

    git(wt.path, 'stash', '--include-untracked', '--quiet');
    git(wt.path, 'switch', '--quiet', '-c', 'renamed-outside');
    fs.rmSync(outside, { recursive: true, force: true });
    listed = await list(project.id);
    expect(listed.find((w) => w.id === wt.id)).toMatchObject({ branch: 'renamed-outside', status: 'active' });
    expect(listed.find((w) => w.id === external.id)).toMatchObject({ status: 'missing' });
    // Listing again changes nothing: no duplicate external rows.
    expect((await list(project.id)).length).toBe(listed.length);
  });

  it('removes a clean worktree, keeping the branch and the repository', async () => {
    const repo = makeRepo();
    const project = await addProject(repo);
    const wt = await create(project.id, 'clean');
    const removed = value(await call<Worktree>('worktrees:remove', { worktreeId: wt.id }));
    expect(removed).toMatchObject({ status: 'removed', snapshotRef: null });
    expect(fs.existsSync(wt.path)).toBe(false);
    expect(git(repo, 'worktree', 'list')).not.toContain(wt.path);
    expect(git(repo, 'branch', '--list', 'clean')).toContain('clean');
    expect(await list(project.id)).toHaveLength(0);
  });

  it('refuses to remove a dirty worktree unless forced, snapshots it when forced, and restores the snapshot', async () => {
    const repo = makeRepo();
    write(repo, 'gone.txt', 'to be deleted\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', 'more');
    const project = await addProject(repo);
    const wt = await create(project.id, 'dirty');
    write(wt.path, 'README.md', '# edited, not staged\n');
    write(wt.path, 'staged.txt', 'staged\n');
    git(wt.path, 'add', 'staged.txt');
    write(wt.path, 'notes/untracked.md', 'untracked\n');
    fs.rmSync(path.join(wt.path, 'gone.txt'));

    const refused = await call('worktrees:remove', { worktreeId: wt.id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'dirty_worktree' } });
    expect(!refused.ok && refused.error.message).toContain('4 uncommitted changes');
    expect(fs.existsSync(wt.path)).toBe(true);

    const removed = value(await call<Worktree>('worktrees:remove', { worktreeId: wt.id, force: true }));
    expect(removed.status).toBe('removed');
    expect(removed.snapshotRef).toBe(`refs/pitwall/snapshots/${wt.id}`);
    expect(fs.existsSync(wt.path)).toBe(false);
    const snapshotFiles = git(repo, 'ls-tree', '-r', '--name-only', removed.snapshotRef!).split('\n');
    expect(snapshotFiles).toEqual(expect.arrayContaining(['README.md', 'staged.txt', 'notes/untracked.md']));
    expect(snapshotFiles).not.toContain('gone.txt');
    expect((await list(project.id)).map((w) => w.status)).toEqual(['removed']);

    const restored = value(await call<Worktree>('worktrees:restore', { worktreeId: wt.id }));
    expect(restored.status).toBe('active');
    expect(fs.readFileSync(path.join(wt.path, 'README.md'), 'utf8')).toBe('# edited, not staged\n');
    expect(fs.readFileSync(path.join(wt.path, 'staged.txt'), 'utf8')).toBe('staged\n');
    expect(fs.readFileSync(path.join(wt.path, 'notes/untracked.md'), 'utf8')).toBe('untracked\n');
    expect(fs.existsSync(path.join(wt.path, 'gone.txt'))).toBe(false);
    expect(restored.git?.dirtyCount).toBe(4);
    // The snapshot stays in git as a safety net even after restoring.
    expect(git(repo, 'rev-parse', '--verify', `refs/pitwall/snapshots/${wt.id}`)).toMatch(/^[0-9a-f]{40}$/);
  });

  it('answers worktrees_disabled when the project works in the main checkout', async () => {
    const repo = makeRepo();
    const project = await addProject(repo);
    value(await call('projects:update', { id: project.id, config: { useWorktrees: false } }));
    expect(await call('worktrees:create', { projectId: project.id, branch: 'x' })).toMatchObject({ ok: false, error: { code: 'worktrees_disabled' } });
  });

  it('emits worktrees:changed as a worktree moves from creating to active', async () => {
    const repo = makeRepo();
    const project = await addProject(repo);
    const statuses: string[] = [];
    const sub = app.events.on('worktrees:changed', (p) => {
      // The status as it is when the event is announced, which is what a listener reading it would see.
      if (p.worktreeId) statuses.push(`${p.worktreeId}:${app.worktrees.get(p.worktreeId).status}`);
    });
    const wt = await create(project.id, 'evented');
    sub.dispose();
    const mine = statuses.filter((s) => s.startsWith(`${wt.id}:`)).map((s) => s.slice(wt.id.length + 1));
    expect(mine[0]).toBe('creating');
    expect(mine.at(-1)).toBe('active');
    expect(mine.indexOf('active')).toBeGreaterThan(mine.lastIndexOf('creating'));
  });

  it('keeps worktrees as they were when git cannot list them, instead of marking them all missing', async () => {
    const repo = makeRepo();
    const project = await addProject(repo);
    const wt = await create(project.id, 'listed');
    expect((await list(project.id)).find((w) => w.id === wt.id)).toMatchObject({ status: 'active' });
    const config = path.join(repo, '.git', 'config');
    const good = fs.readFileSync(config, 'utf8');
    // A config git refuses to read makes every git command in the repository fail, `worktree list` among them.
    fs.appendFileSync(config, '[broken\n');
    expect(() => git(repo, 'worktree', 'list')).toThrow();
    expect((await list(project.id)).find((w) => w.id === wt.id)).toMatchObject({ status: 'active' });
    fs.writeFileSync(config, good);
    expect((await list(project.id)).find((w) => w.id === wt.id)).toMatchObject({ status: 'active' });
    expect(app.worktrees.get(wt.id).status).toBe('active');
  });
});
