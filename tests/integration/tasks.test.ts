import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AgentProfile } from '../../src-common/domain/agent';
import type { Project } from '../../src-common/domain/project';
import type { Task } from '../../src-common/domain/task';
import type { App } from '../../src-main/app';
import { git, makeRepo, write } from '../helpers/git-repo';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
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

async function setup(agentScript: string, verifyCommand: string | null = null) {
  app = makeTestApp();
  await app.ready;
  const repo = makeRepo('board');
  const project = value<Project>(await app.router.dispatch('projects:add', { path: repo }));
  value(await app.router.dispatch('projects:update', { id: project.id, config: { verifyCommand } }));
  const profile = value<AgentProfile>(await app.router.dispatch('profiles:create', { name: 'scripted agent', kind: 'shell', command: '/bin/sh', args: ['-c', agentScript] }));
  const task = value<Task>(await app.router.dispatch('tasks:create', { projectId: project.id, title: 'Add a greeting', description: 'Write hello.txt', profileId: profile.id }));
  const get = async () => value<Task>(await app!.router.dispatch('tasks:get', { id: task.id }));
  return { repo, project, profile, task, get };
}

describe('tasks and the gate', () => {
  it('orders cards within columns and moves them by index', async () => {
    const { project, profile, task: a } = await setup('true');
    const b = value<Task>(await app!.router.dispatch('tasks:create', { projectId: project.id, title: 'B', profileId: profile.id }));
    const c = value<Task>(await app!.router.dispatch('tasks:create', { projectId: project.id, title: 'C', profileId: profile.id }));
    const titles = async () => value<Task[]>(await app!.router.dispatch('tasks:list', { projectId: project.id })).filter((t) => t.column === 'backlog').map((t) => t.title);
    expect(await titles()).toEqual(['Add a greeting', 'B', 'C']);
    value(await app!.router.dispatch('tasks:move', { id: c.id, column: 'backlog', index: 0 }));
    expect(await titles()).toEqual(['C', 'Add a greeting', 'B']);
    value(await app!.router.dispatch('tasks:move', { id: a.id, column: 'backlog', index: 2 }));
    expect(await titles()).toEqual(['C', 'B', 'Add a greeting']);
    expect(await app!.router.dispatch('tasks:move', { id: b.id, column: 'nowhere', index: 0 })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });

  it('runs the agent in its own worktree, waits for approval with the diff and the verify result, and squashes into the base', async () => {
    const { repo, project, task, get } = await setup('echo "# hello" > hello.txt; echo done', 'test -f hello.txt && echo verify-ok');
    const baseBefore = git(repo, 'rev-parse', 'main');
    const started = value<Task>(await app!.router.dispatch('tasks:start', { id: task.id }));
    expect(started).toMatchObject({ column: 'in_progress', projectName: project.name, sessionStatus: expect.any(String), branch: expect.stringMatching(/^task\/add-a-greeting-/) });
    const waiting = await until(async () => {
      const t = await get();
      return t.column === 'waiting_approval' && t.verification?.status !== 'running' && t.verification ? t : undefined;
    }, 'waiting_approval with a finished verification');
    expect(waiting.diffSummary).toEqual({ files: 1, additions: 1, deletions: 0 });
    expect(waiting.verification).toMatchObject({ status: 'passed', exitCode: 0, command: 'test -f hello.txt && echo verify-ok' });
    expect(fs.readFileSync(waiting.verification!.outputFile!, 'utf8')).toContain('verify-ok');
    // Verification output is Pitwall's own: readable by its user only.
    expect(fs.statSync(waiting.verification!.outputFile!).mode & 0o777).toBe(0o600);

    const approved = value<Task>(await app!.router.dispatch('tasks:approve', { id: task.id, strategy: 'squash' }));
    expect(approved).toMatchObject({ column: 'verified', approvedBy: 'user', gateDetail: expect.stringContaining('Merged into main (squash)') });
    expect(git(repo, 'rev-list', '--count', `${baseBefore}..main`)).toBe('1');
    expect(git(repo, 'show', 'main:hello.txt')).toBe('# hello');
    expect(git(repo, 'log', '-1', '--format=%s', 'main')).toBe('Add a greeting');
    expect(git(repo, 'worktree', 'list')).not.toContain('task-add-a-greeting');
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });

  it('runs the verify command once when the agent goes idle and then exits at once', async () => {
    const runs = path.join(tempDir('verify-runs-'), 'runs.log');
    // The agent waits for a line, then exits: the test makes it go idle (as the Stop hook does) and end in one burst.
    const { task, get } = await setup('echo ready; read line; echo "# hello" > hello.txt', `echo run >> '${runs}'`);
    const started = value<Task>(await app!.router.dispatch('tasks:start', { id: task.id }));
    const sessionId = started.sessionId!;
    let screen = '';
    app!.events.on('sessions:output', (p) => (p.sessionId === sessionId ? (screen += p.data) : undefined));
    await until(async () => screen.includes('ready') || (await app!.ptyHost.list()).some((s) => s.sessionId === sessionId && s.running), 'the agent to run');
    await app!.sessions.input(sessionId, 'go\r');
    app!.sessions.setActivity(sessionId, 'idle');
    // The exit's notice may come only after the first step is done; announcing the change once more
    // at once makes certain a second step starts while the first still awaits the diff.
    app!.events.emit('sessions:changed', { sessionId, projectId: started.projectId });
    await until(async () => (await get()).sessionStatus === 'exited', 'the agent to exit');
    await until(async () => (await get()).verification?.status === 'passed', 'the verification to pass');
    await app!.tasks.settled();
    expect(fs.readFileSync(runs, 'utf8').trim().split('\n')).toEqual(['run']);
    expect(app!.tasks.verifications(task.id)).toHaveLength(1);
    expect(await get()).toMatchObject({ column: 'waiting_approval' });
  });

  it('records a failing verify command', async () => {
    const { task, get } = await setup('echo nothing useful', 'echo checks failed >&2; exit 4');
    value(await app!.router.dispatch('tasks:start', { id: task.id }));
    const waiting = await until(async () => {
      const t = await get();
      return t.verification && t.verification.status !== 'running' ? t : undefined;
    }, 'the verification');
    expect(waiting.verification).toMatchObject({ status: 'failed', exitCode: 4, outputTail: expect.stringContaining('checks failed') });
  });

  it('refuses to merge into a dirty main checkout, saying why, and keeps the task waiting', async () => {
    const { repo, task, get } = await setup('echo change > change.txt');
    value(await app!.router.dispatch('tasks:start', { id: task.id }));
    await until(async () => (await get()).column === 'waiting_approval', 'waiting_approval');
    write(repo, 'README.md', '# the user is editing this\n');
    const refused = await app!.router.dispatch('tasks:approve', { id: task.id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'dirty_worktree', message: expect.stringContaining('README.md') } });
    expect(await get()).toMatchObject({ column: 'waiting_approval', gateDetail: expect.stringContaining('Not merged') });
  });

  it('delivers a rejection reason to the running agent as its next prompt and moves the task back', async () => {
    // An "agent" that stops (goes idle) after a first line, then echoes what it is told.
    const { task, get } = await setup('echo first pass > work.txt; while read line; do echo "agent got: $line"; done');
    value(await app!.router.dispatch('tasks:start', { id: task.id }));
    const t = await get();
    // A shell agent has no Stop hook: move it to review by hand, as a reviewer would.
    value(await app!.router.dispatch('tasks:move', { id: t.id, column: 'waiting_approval', index: 0 }));
    let screen = '';
    app!.events.on('sessions:output', (p) => {
      if (p.sessionId === t.sessionId) screen += p.data;
    });
    const rejected = value<Task>(await app!.router.dispatch('tasks:reject', { id: task.id, reason: 'Use a friendlier greeting' }));
    expect(rejected).toMatchObject({ column: 'in_progress', rejectionCount: 1 });
    await until(() => screen.includes('agent got: Use a friendlier greeting'), 'the reason reaching the agent');
  });

  it('restarts an agent that ended, with the reason as its prompt', async () => {
    // The shell adapter types its prompt in; this agent records what it was told, then ends.
    const { task, get } = await setup('read line; echo "got: $line" >> runs.txt');
    value(await app!.router.dispatch('tasks:start', { id: task.id }));
    await until(async () => (await get()).column === 'waiting_approval', 'waiting_approval');
    const t = await get();
    value(await app!.router.dispatch('tasks:reject', { id: task.id, reason: 'Try again, politely' }));
    const project = value<Project>(await app!.router.dispatch('projects:get', { id: t.projectId }));
    const runs = path.join(project.resolvedWorktreeRoot, t.branch!.replace(/\//g, '-'), 'runs.txt');
    await until(() => fs.existsSync(runs) && fs.readFileSync(runs, 'utf8').split('\n').length === 3, 'a second run');
    expect(fs.readFileSync(runs, 'utf8')).toBe('got: Add a greeting\ngot: Try again, politely\n');
    await until(async () => (await get()).column === 'waiting_approval', 'back to waiting_approval');
  });
});

describe('pull requests instead of a local merge', () => {
  it('are offered only with gh installed and a GitHub remote, and push the branch and run gh pr create', async () => {
    const { createApp } = await import('../../src-main/app');
    const { ptyHostLaunchFromSource } = await import('../helpers/pty-host-launch');
    const { MIGRATIONS_DIR } = await import('../helpers/test-app');
    const { tempDir } = await import('../helpers/temp-dir');
    const bin = tempDir('pitwall-bin-');
    const dataDir = tempDir('pitwall-data-');
    app = createApp({
      dataDir,
      migrationsDir: MIGRATIONS_DIR,
      shell: 'headless',
      version: 'test',
      ptyHostLaunch: ptyHostLaunchFromSource,
      searchPath: `${bin}:${process.env.PATH}`,
      sessionOptions: { baseEnv: { ...process.env, HOME: dataDir }, stopGraceMs: 300 },
      transcriptRoots: [],
    });
    await app.ready;
    const repo = makeRepo('site');
    const project = value<Project>(await app.router.dispatch('projects:add', { path: repo }));
    const profile = value<AgentProfile>(await app.router.dispatch('profiles:create', { name: 'agent', kind: 'shell', command: '/bin/sh', args: ['-c', 'echo feature > feature.txt'] }));
    const task = value<Task>(await app.router.dispatch('tasks:create', { projectId: project.id, title: 'Ship the feature', description: 'Details here', profileId: profile.id }));
    expect(value(await app.router.dispatch('tasks:pr-option', { id: task.id }))).toEqual({ available: false, reason: 'The repository has no GitHub remote' });

    // A GitHub remote whose pushes land in a local bare repository.
    const bare = path.join(tempDir(), 'site.git');
    git(repo, 'init', '--quiet', '--bare', bare);
    git(repo, 'remote', 'add', 'origin', 'https://github.com/acme/site.git');
    git(repo, 'config', `url.${bare}.insteadOf`, 'https://github.com/acme/site.git');
    expect(value(await app.router.dispatch('tasks:pr-option', { id: task.id }))).toEqual({ available: false, reason: 'The GitHub CLI (gh) is not installed' });

    const argsFile = path.join(bin, 'gh-args.txt');
    fs.writeFileSync(path.join(bin, 'gh'), `#!/bin/sh\nprintf '%s\\n' "$@" > ${argsFile}\necho https://github.com/acme/site/pull/7\n`, { mode: 0o755 });
    expect(value(await app.router.dispatch('tasks:pr-option', { id: task.id }))).toEqual({ available: true, reason: 'Opens a pull request on acme/site' });

    value(await app.router.dispatch('tasks:start', { id: task.id }));
    const get = async () => value<Task>(await app!.router.dispatch('tasks:get', { id: task.id }));
    await until(async () => (await get()).column === 'waiting_approval', 'waiting_approval');
    const opened = value<Task>(await app.router.dispatch('tasks:open-pr', { id: task.id }));
    expect(opened.gateDetail).toBe('Pull request opened: https://github.com/acme/site/pull/7');
    const branch = opened.branch!;
    expect(git(bare, 'show', `${branch}:feature.txt`)).toBe('feature');
    expect(fs.readFileSync(argsFile, 'utf8').split('\n')).toEqual(
      expect.arrayContaining(['pr', 'create', '--repo', 'acme/site', '--base', 'main', '--head', branch, '--title', 'Ship the feature']),
    );
  });
});
