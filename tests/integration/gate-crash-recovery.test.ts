import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AgentProfile } from '../../src-common/domain/agent';
import type { Approval } from '../../src-common/domain/approval';
import type { Project } from '../../src-common/domain/project';
import type { Task } from '../../src-common/domain/task';
import type { App } from '../../src-main/app';
import { startCoreProcess, type CoreProcess } from '../helpers/core-process';
import { git, makeRepo } from '../helpers/git-repo';
import { hookHeaders, startHookedAgent, stopAgents } from '../helpers/hooked-agent';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { makeTestApp } from '../helpers/test-app';
import { poller, value } from '../helpers/wait';

// Issue 16 item 2: the core is killed (SIGKILL, with the processes it started) in the middle of
// one of the gate's operations, and a new core on the same data folder finishes or rolls it back
// at start-up. (Worktrees killed while `creating` are in worktree-crash-recovery.test.ts.)

const until = poller({ timeoutMs: 60_000, intervalMs: 100 });
let core: CoreProcess | null = null;
let next: App | null = null;
const releases: string[] = [];

afterEach(async () => {
  await stopAgents(core);
  await core?.kill();
  await next?.sessions.shutdownAgents().catch(() => undefined);
  await next?.dispose();
  for (const file of releases.splice(0)) fs.writeFileSync(file, '');
  core = null;
  next = null;
});
afterAll(removeTempDirs);

/** A row of the data folder's database as the next core will find it, read straight from the file. */
function readDb<T>(dataDir: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(path.join(dataDir, 'pitwall.db'), { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** A core process with a project whose task agent writes hello.txt and ends; answers the task, started. */
async function taskInCore(dataDir: string, repo: string, verifyCommand: string | null) {
  core = await startCoreProcess(dataDir, { ...process.env, HOME: dataDir }, { group: true });
  const project = value<Project>(await core.dispatch('projects:add', { path: repo }));
  value(await core.dispatch('projects:update', { id: project.id, config: { verifyCommand } }));
  const profile = value<AgentProfile>(await core.dispatch('profiles:create', { name: 'scripted agent', kind: 'shell', command: '/bin/sh', args: ['-c', 'echo "# hello" > hello.txt'] }));
  const task = value<Task>(await core.dispatch('tasks:create', { projectId: project.id, title: 'Add a greeting', description: '', profileId: profile.id }));
  value(await core.dispatch('tasks:start', { id: task.id }));
  return { project, task };
}

describe('the gate after the core was killed', () => {
  it('runs a verification cut short again, and records the interrupted one as such', async () => {
    const dataDir = tempDir('pitwall-data-');
    const repo = makeRepo('crash-verify');
    const files = tempDir('verify-');
    const [runs, marker, release] = ['runs.log', 'started', 'release'].map((n) => path.join(files, n));
    releases.push(release!);
    // The first run waits (and its core is killed); the run at start-up finishes.
    const verify = `echo run >> '${runs}'; if [ ! -f '${marker}' ]; then touch '${marker}'; while [ ! -f '${release}' ]; do sleep 0.1; done; exit 9; fi; echo verify-ok`;
    const { task } = await taskInCore(dataDir, repo, verify);
    await until(() => fs.existsSync(marker!), 'the verify command to start');
    await core!.kill();
    expect(readDb<{ status: string }>(dataDir, 'SELECT status FROM verification_runs WHERE task_id = ?', task.id)).toEqual([{ status: 'running' }]);

    next = makeTestApp(dataDir);
    await next.ready;
    const app = next;
    const done = await until(() => {
      const t = app.tasks.get(task.id);
      return t.verification?.status === 'passed' ? t : undefined;
    }, 'the verification to be run again');
    expect(done).toMatchObject({ column: 'waiting_approval', verification: { status: 'passed', exitCode: 0, outputTail: expect.stringContaining('verify-ok') } });
    const all = app.tasks.verifications(task.id);
    expect(all.map((v) => v.status).sort()).toEqual(['failed', 'passed']);
    expect(all.find((v) => v.status === 'failed')).toMatchObject({ exitCode: null, outputTail: expect.stringContaining('Pitwall stopped while this verification ran') });
    expect(fs.readFileSync(runs!, 'utf8').trim().split('\n')).toEqual(['run', 'run']);
  });

  it.each([
    ['in the checkout holding main', false],
    ['in a scratch checkout (main is checked out nowhere)', true],
  ])('finishes a merge git had made before the task recorded it (%s): merged once, worktree removed', async (_where, elsewhere) => {
    const dataDir = tempDir('pitwall-data-');
    const repo = makeRepo('crash-merge');
    if (elsewhere) git(repo, 'checkout', '-q', '-b', 'elsewhere');
    const marker = path.join(tempDir('merge-'), 'merged');
    // git runs post-merge after the merge commit exists: the core is killed right there.
    const hook = path.join(repo, '.git', 'hooks', 'post-merge');
    fs.writeFileSync(hook, `#!/bin/sh\ntouch '${marker}'\nsleep 120\n`, { mode: 0o755 });
    const { task } = await taskInCore(dataDir, repo, null);
    await until(async () => value<Task>(await core!.dispatch('tasks:get', { id: task.id })).column === 'waiting_approval', 'the task to wait for approval');
    const worktreePath = readDb<{ path: string }>(dataDir, 'SELECT w.path FROM worktrees w JOIN tasks t ON t.worktree_id = w.id WHERE t.id = ?', task.id)[0]!.path;
    const baseBefore = git(repo, 'rev-parse', 'main');
    const approving = core!.dispatch('tasks:approve', { id: task.id, strategy: 'merge' });
    await until(() => fs.existsSync(marker), 'the merge to be made');
    await core!.kill();
    void approving;
    fs.rmSync(hook);
    // What the crash left: the merge is in git, the task does not know.
    expect(git(repo, 'rev-list', '--count', `${baseBefore}..main`)).toBe('2');
    expect(readDb<{ column: string }>(dataDir, 'SELECT "column" FROM tasks WHERE id = ?', task.id)).toEqual([{ column: 'waiting_approval' }]);

    next = makeTestApp(dataDir);
    await next.ready;
    const app = next;
    const done = await until(() => {
      const t = app.tasks.get(task.id);
      return t.column === 'verified' && !fs.existsSync(worktreePath) ? t : undefined;
    }, 'the merge to be finished');
    expect(done).toMatchObject({ approvedBy: 'user', gateDetail: expect.stringContaining('Merged into main (merge)') });
    expect(done.gateDetail).toContain('finished at start-up');
    // Merged once: the merge commit and the agent's commit, nothing more.
    expect(git(repo, 'rev-list', '--count', `${baseBefore}..main`)).toBe('2');
    expect(git(repo, 'show', 'main:hello.txt')).toBe('# hello');
    expect(git(repo, 'worktree', 'list', '--porcelain')).not.toContain(worktreePath);
    // No scratch checkout is left registered.
    expect(git(repo, 'worktree', 'list', '--porcelain')).not.toContain('pitwall-land-');
    expect(fs.readdirSync(path.join(dataDir, 'landing'))).toEqual([]);
  });

  it('rolls back a merge the core was killed before: nothing merged, the task waits to be approved again', async () => {
    const dataDir = tempDir('pitwall-data-');
    const repo = makeRepo('crash-before-merge');
    const marker = path.join(tempDir('merge-'), 'merging');
    // pre-merge-commit runs before git writes the merge commit.
    const hook = path.join(repo, '.git', 'hooks', 'pre-merge-commit');
    fs.writeFileSync(hook, `#!/bin/sh\ntouch '${marker}'\nsleep 120\n`, { mode: 0o755 });
    const { task } = await taskInCore(dataDir, repo, null);
    await until(async () => value<Task>(await core!.dispatch('tasks:get', { id: task.id })).column === 'waiting_approval', 'the task to wait for approval');
    const baseBefore = git(repo, 'rev-parse', 'main');
    void core!.dispatch('tasks:approve', { id: task.id, strategy: 'merge' });
    await until(() => fs.existsSync(marker), 'the merge to start');
    await core!.kill();
    fs.rmSync(hook);
    // git was stopped inside the merge: its result is staged in the main checkout.
    expect(git(repo, 'status', '--porcelain')).toContain('hello.txt');

    next = makeTestApp(dataDir);
    await next.ready;
    const app = next;
    const done = await until(() => {
      const t = app.tasks.get(task.id);
      return t.gateDetail?.includes('Pitwall stopped while merging') ? t : undefined;
    }, 'the merge to be rolled back');
    expect(done).toMatchObject({ column: 'waiting_approval', approvedBy: null, gateDetail: expect.stringContaining('nothing was merged') });
    expect(done.gateDetail).toContain('the half-made merge');
    expect(git(repo, 'rev-parse', 'main')).toBe(baseBefore);
    expect(git(repo, 'status', '--porcelain')).toBe('');
    // And it can be approved again.
    expect(value<Task>(await app.router.dispatch('tasks:approve', { id: task.id, strategy: 'merge' }))).toMatchObject({ column: 'verified' });
  });

  it('expires an approval left pending: nothing is allowed, and nothing waits on it', async () => {
    const dataDir = tempDir('pitwall-data-');
    core = await startCoreProcess(dataDir, { ...process.env, HOME: dataDir }, { group: true });
    const agent = await startHookedAgent(core, dataDir, makeRepo('crash-approval'));
    const asking = new AbortController();
    const held = fetch(`${agent.url}/hook/claude-code`, {
      method: 'POST',
      headers: hookHeaders(agent),
      body: JSON.stringify({ hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'make deploy' }, tool_use_id: 'toolu_held' }),
      signal: asking.signal,
    }).catch(() => null);
    await until(async () => value<Approval[]>(await core!.dispatch('approvals:list', { status: 'pending' })).length === 1, 'the call to wait for a person');
    const sessionId = agent.session.id;
    await core.kill();
    // The agent gives up waiting while no core is there (its hook timed out, or it was stopped).
    asking.abort();
    expect(await held).toBeNull();
    expect(readDb<{ status: string }>(dataDir, 'SELECT status FROM approvals')).toEqual([{ status: 'pending' }]);

    next = makeTestApp(dataDir, { ...process.env, HOME: dataDir });
    await next.ready;
    const app = next;
    const settled = await until(async () => {
      const all = value<Approval[]>(await app.router.dispatch('approvals:list', {}));
      return all.length === 1 && all[0]!.status !== 'pending' ? all[0] : undefined;
    }, 'the approval to be settled');
    // Expired when the next core found nothing waiting; cancelled when the host told it the agent left first.
    expect(['expired', 'cancelled']).toContain(settled!.status);
    expect(value<Approval[]>(await app.router.dispatch('approvals:list', { status: 'pending' }))).toEqual([]);
    expect(value<Approval[]>(await app.router.dispatch('approvals:list', { status: 'allowed' }))).toEqual([]);
    await app.router.dispatch('sessions:stop', { sessionId });
  });
});

describe('a verification running when Pitwall quits', () => {
  it('is stopped with its process group, and run again at the next start', async () => {
    const dataDir = tempDir('pitwall-data-');
    const repo = makeRepo('quit-verify');
    const files = tempDir('verify-');
    const [pidFile, runs] = ['pid', 'runs.log'].map((n) => path.join(files, n));
    const verify = `echo run >> '${runs}'; if [ ! -f '${pidFile}' ]; then echo $$ > '${pidFile}'; sleep 300; fi; echo verify-ok`;
    next = makeTestApp(dataDir);
    await next.ready;
    let app = next;
    const project = value<Project>(await app.router.dispatch('projects:add', { path: repo }));
    value(await app.router.dispatch('projects:update', { id: project.id, config: { verifyCommand: verify } }));
    const profile = value<AgentProfile>(await app.router.dispatch('profiles:create', { name: 'scripted agent', kind: 'shell', command: '/bin/sh', args: ['-c', 'echo "# hello" > hello.txt'] }));
    const task = value<Task>(await app.router.dispatch('tasks:create', { projectId: project.id, title: 'Add a greeting', description: '', profileId: profile.id }));
    value(await app.router.dispatch('tasks:start', { id: task.id }));
    const pid = Number(await until(() => (fs.existsSync(pidFile!) ? fs.readFileSync(pidFile!, 'utf8').trim() : ''), 'the verify command to start'));

    await app.dispose();
    next = null;
    expect(() => process.kill(pid, 0)).toThrow();
    expect(readDb<{ status: string }>(dataDir, 'SELECT status FROM verification_runs WHERE task_id = ?', task.id)).toEqual([{ status: 'running' }]);

    next = makeTestApp(dataDir);
    await next.ready;
    app = next;
    await until(() => app.tasks.get(task.id).verification?.status === 'passed', 'the verification to be run again');
    expect(app.tasks.verifications(task.id).map((v) => v.status).sort()).toEqual(['failed', 'passed']);
    expect(fs.readFileSync(runs!, 'utf8').trim().split('\n')).toEqual(['run', 'run']);
  });
});

describe('a merged task whose worktree cannot be removed', () => {
  it('stays merged, says so, and the next start removes the worktree', async () => {
    const dataDir = tempDir('pitwall-data-');
    const repo = makeRepo('locked-worktree');
    next = makeTestApp(dataDir);
    await next.ready;
    let app = next;
    const project = value<Project>(await app.router.dispatch('projects:add', { path: repo }));
    const profile = value<AgentProfile>(await app.router.dispatch('profiles:create', { name: 'scripted agent', kind: 'shell', command: '/bin/sh', args: ['-c', 'echo "# hello" > hello.txt'] }));
    const task = value<Task>(await app.router.dispatch('tasks:create', { projectId: project.id, title: 'Add a greeting', description: '', profileId: profile.id }));
    value(await app.router.dispatch('tasks:start', { id: task.id }));
    await until(() => app.tasks.get(task.id).column === 'waiting_approval', 'the task to wait for approval');
    const worktreePath = app.worktrees.get(app.tasks.get(task.id).worktreeId!).path;
    // A locked worktree refuses `git worktree remove`.
    git(repo, 'worktree', 'lock', worktreePath);

    const approved = value<Task>(await app.router.dispatch('tasks:approve', { id: task.id, strategy: 'squash' }));
    expect(approved).toMatchObject({ column: 'verified', approvedBy: 'user', gateDetail: expect.stringContaining('Merged into main (squash)') });
    expect(approved.gateDetail).toContain('The worktree could not be removed');
    expect(git(repo, 'show', 'main:hello.txt')).toBe('# hello');
    expect(fs.existsSync(worktreePath)).toBe(true);

    git(repo, 'worktree', 'unlock', worktreePath);
    await app.dispose();
    next = makeTestApp(dataDir);
    await next.ready;
    app = next;
    const done = await until(() => {
      const t = app.tasks.get(task.id);
      return !fs.existsSync(worktreePath) && !t.gateDetail?.includes('could not be removed') ? t : undefined;
    }, 'the worktree to be removed at start-up');
    expect(done).toMatchObject({ column: 'verified', gateDetail: expect.stringContaining('its worktree was removed at start-up') });
    expect(done.gateDetail).toContain('Merged into main (squash)');
  });
});
