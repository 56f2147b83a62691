import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Worktree } from '../../src-common/domain/worktree';
import type { App } from '../../src-main/app';
import { git, makeRepo, write } from '../helpers/git-repo';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { makeTestApp } from '../helpers/test-app';
import { poller, value } from '../helpers/wait';

// Item 10 of issue 15: a core is killed (SIGKILL, with every process it started) while it is
// creating a worktree; a new core on the same data folder must finish or roll back the
// creation at start-up, never leave it `creating`.

const until = poller({ timeoutMs: 45_000, intervalMs: 50 });
const CHILD = path.resolve(__dirname, '../helpers/worktree-create-child.ts');
let app: App | null = null;
let child: ChildProcess | null = null;

afterEach(async () => {
  if (child?.pid && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
  child = null;
  await app?.dispose();
  app = null;
});
afterAll(removeTempDirs);

/** Starts a core in its own process group creating `branch`; answers the project id and a way to crash it. */
async function startCreating(dataDir: string, repo: string, branch: string, initScript?: string) {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, repo, branch, ...(initScript ? [initScript] : [])], {
    cwd: path.resolve(__dirname, '../..'),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOME: dataDir },
  });
  child = proc;
  let output = '';
  proc.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const projectId = await until(() => /^project (\S+)$/m.exec(output)?.[1], 'the child to register the project', 45_000, () => output);
  const crash = async (): Promise<void> => {
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    // The whole group: the core, git, and whatever git or the init script started.
    process.kill(-proc.pid!, 'SIGKILL');
    await exited;
    expect(output).not.toContain('done ');
  };
  return { projectId, crash, output: () => output };
}

function rowsOf(dataDir: string): { branch: string; status: string; deleted: boolean }[] {
  // The record as the next core will find it, read straight from the file.
  const db = new Database(path.join(dataDir, 'pitwall.db'), { readonly: true });
  try {
    return (db.prepare('SELECT branch, status, deleted_at FROM worktrees').all() as { branch: string; status: string; deleted_at: number | null }[]).map((r) => ({ branch: r.branch, status: r.status, deleted: r.deleted_at !== null }));
  } finally {
    db.close();
  }
}

describe('a worktree half created when the core was killed', () => {
  it('is finished at the next start when git had made it (killed during the init script)', async () => {
    const dataDir = tempDir('pitwall-data-');
    const repo = makeRepo('crash-finish');
    const marker = path.join(tempDir(), 'init-started');
    // The first run of the init script hangs (and is killed); the run at recovery finishes.
    const script = `if [ -f '${marker}' ]; then echo init-second-run; else touch '${marker}'; sleep 120; fi`;
    const { projectId, crash } = await startCreating(dataDir, repo, 'feature/crash', script);
    await until(() => fs.existsSync(marker), 'the init script to start');
    await crash();
    expect(rowsOf(dataDir)).toEqual([{ branch: 'feature/crash', status: 'creating', deleted: false }]);

    app = makeTestApp(dataDir);
    await app.ready;
    const done = await until(async () => value<Worktree[]>(await app!.router.dispatch('worktrees:list', { projectId })).find((w) => w.status !== 'creating'), 'the creation to be finished');
    expect(done).toMatchObject({ branch: 'feature/crash', status: 'active' });
    expect(done.initLog).toContain('finished at start-up');
    expect(done.initLog).toContain('init-second-run');
    expect(done.git?.currentBranch).toBe('feature/crash');
    expect(git(repo, 'worktree', 'list', '--porcelain')).toContain(`branch refs/heads/feature/crash`);
  });

  it('is rolled back at the next start when git had not finished (killed during the checkout)', async () => {
    const dataDir = tempDir('pitwall-data-');
    const repo = makeRepo('crash-rollback');
    // A file whose checkout runs a smudge filter that hangs: `git worktree add` is caught mid-checkout.
    write(repo, '.gitattributes', 'slow.txt filter=slow\n');
    write(repo, 'slow.txt', 'content\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'slow file');
    const marker = path.join(tempDir(), 'checkout-started');
    git(repo, 'config', 'filter.slow.smudge', `sh -c 'touch "${marker}"; sleep 120; cat'`);
    const before = git(repo, 'for-each-ref', '--format=%(refname)');
    const { projectId, crash } = await startCreating(dataDir, repo, 'feature/half');
    await until(() => fs.existsSync(marker), 'the checkout to start');
    await crash();
    expect(rowsOf(dataDir)).toEqual([{ branch: 'feature/half', status: 'creating', deleted: false }]);
    // What the crash left: a branch, a locked half worktree, a folder.
    expect(git(repo, 'branch', '--list', 'feature/half')).not.toBe('');
    expect(git(repo, 'worktree', 'list', '--porcelain')).toContain('locked');

    git(repo, 'config', '--unset', 'filter.slow.smudge');
    app = makeTestApp(dataDir);
    await app.ready;
    await until(() => rowsOf(dataDir)[0]?.deleted, 'the creation to be rolled back');
    expect(rowsOf(dataDir)).toEqual([{ branch: 'feature/half', status: 'removed', deleted: true }]);
    expect(value<Worktree[]>(await app.router.dispatch('worktrees:list', { projectId }))).toEqual([]);
    expect(git(repo, 'for-each-ref', '--format=%(refname)')).toBe(before);
    expect(git(repo, 'worktree', 'list', '--porcelain')).not.toContain('feature/half');
    const project = app.projects.get(projectId);
    expect(fs.existsSync(path.join(project.resolvedWorktreeRoot, 'feature-half'))).toBe(false);
    // Nothing is in the way of trying again.
    expect(value<Worktree>(await app.router.dispatch('worktrees:create', { projectId, branch: 'feature/half' }))).toMatchObject({ status: 'active' });
  });
});
