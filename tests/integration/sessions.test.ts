import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AgentProfile, Session } from '../../src-common/domain/agent';
import type { Project } from '../../src-common/domain/project';
import type { App } from '../../src-main/app';
import { makeRepo } from '../helpers/git-repo';
import { processState, waitUntilGone } from '../helpers/processes';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { makeTestApp } from '../helpers/test-app';
import { poller, value } from '../helpers/wait';

const until = poller({ timeoutMs: 15_000, intervalMs: 50 });

const apps: App[] = [];

function newApp(dataDir?: string): App {
  const app = makeTestApp(dataDir);
  apps.push(app);
  return app;
}

afterEach(async () => {
  await apps[0]?.sessions.shutdownAgents().catch(() => undefined);
  for (const app of apps.splice(0)) await app.dispose();
});
afterAll(removeTempDirs);

async function setup(app: App, command = '/bin/sh', args: string[] = [], maxConcurrentAgents = 3) {
  await app.ready;
  const project = value<Project>(await app.router.dispatch('projects:add', { path: makeRepo() }));
  value(await app.router.dispatch('projects:update', { id: project.id, config: { maxConcurrentAgents } }));
  const profile = value<AgentProfile>(await app.router.dispatch('profiles:create', { name: 'test shell', kind: 'shell', command, args }));
  return { project, profile };
}

/** Live output of one session, from the event bus (what the UI gets). */
function output(app: App, sessionId: () => string | undefined) {
  let text = '';
  app.events.on('sessions:output', (p) => {
    if (p.sessionId === sessionId()) text += p.data;
  });
  return () => text;
}

async function statusOf(app: App, id: string): Promise<Session> {
  return value<Session>(await app.router.dispatch('sessions:get', { sessionId: id }));
}

describe('sessions', () => {
  it('start a shell in the project, echo typed input, and record a clean exit', async () => {
    const app = newApp();
    const { project, profile } = await setup(app);
    let id: string | undefined;
    const text = output(app, () => id);
    const session = value<Session>(await app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id, cols: 100, rows: 30 }));
    id = session.id;
    expect(session).toMatchObject({ status: 'running', source: 'launched', agentKind: 'shell', cwd: project.path, projectName: project.name });
    value(await app.router.dispatch('sessions:input', { sessionId: id, data: 'echo "in $(pwd)" && echo sum=$((20+22))\r' }));
    await until(() => text().includes('sum=42'), 'echo');
    expect(text()).toContain(`in ${project.path}`);
    value(await app.router.dispatch('sessions:input', { sessionId: id, data: 'exit\r' }));
    await until(async () => (await statusOf(app, id!)).status === 'exited', 'exit');
    const done = await statusOf(app, id);
    expect(done.exitCode).toBe(0);
    expect(done.endedAt).toBeGreaterThanOrEqual(done.startedAt!);
    expect(done.durationMs).toBe(done.endedAt! - done.startedAt!);
  });

  it('record a non-zero exit code as failed, and keep the scrollback after the session is gone', async () => {
    const app = newApp();
    const { project, profile } = await setup(app, '/bin/sh', ['-c', 'echo last words; exit 3']);
    const session = value<Session>(await app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id }));
    await until(async () => (await statusOf(app, session.id)).status === 'failed', 'failure');
    expect(await statusOf(app, session.id)).toMatchObject({ exitCode: 3, statusDetail: 'Exited with code 3' });
    const scrollback = value<{ data: string }>(await app.router.dispatch('sessions:scrollback', { sessionId: session.id }));
    expect(scrollback.data).toContain('last words');
  });

  it('name a missing CLI and how to install it instead of opening a dead terminal', async () => {
    const app = newApp();
    await app.ready;
    const project = value<Project>(await app.router.dispatch('projects:add', { path: makeRepo() }));
    const claude = value<AgentProfile[]>(await app.router.dispatch('profiles:list', {})).find((p) => p.kind === 'claude-code')!;
    value(await app.router.dispatch('profiles:update', { id: claude.id, command: 'claude-not-installed-here' }));
    const result = await app.router.dispatch('sessions:start', { projectId: project.id, profileId: claude.id });
    expect(result).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(!result.ok && result.error.message).toContain('"claude-not-installed-here" was not found');
    expect(!result.ok && result.error.message).toContain('npm install -g @anthropic-ai/claude-code');
    expect(value<Session[]>(await app.router.dispatch('sessions:list', {}))).toHaveLength(0);
  });

  it('queue starts beyond the project limit and start them as slots free up', async () => {
    const app = newApp();
    const { project, profile } = await setup(app, '/bin/sh', ['-c', 'echo running; sleep 30'], 1);
    const first = value<Session>(await app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id }));
    const second = value<Session>(await app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id }));
    expect(first.status).toBe('running');
    expect(second.status).toBe('queued');
    expect(second.statusDetail).toContain('1 agent at a time');
    const stopped = value<Session>(await app.router.dispatch('sessions:stop', { sessionId: first.id }));
    expect(stopped.status).toBe('stopped');
    await until(async () => (await statusOf(app, second.id)).status === 'running', 'the queued session to start');
    // A queued session can be stopped before it starts.
    const third = value<Session>(await app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id }));
    expect(third.status).toBe('queued');
    expect(value<Session>(await app.router.dispatch('sessions:stop', { sessionId: third.id })).status).toBe('stopped');
  });

  it('stop a session whose process tree ignores SIGTERM, leaving none of its processes running', async () => {
    const app = newApp();
    // Three processes, each ignoring SIGTERM: the agent's shell, a shell it started, and that one's sleep.
    const script = `trap "" TERM; sh -c 'trap "" TERM; sleep 60 & echo "sleeper $!"; wait' & echo "inner $!"; echo "outer $$"; wait`;
    const { project, profile } = await setup(app, '/bin/sh', ['-c', script]);
    let id: string | undefined;
    const text = output(app, () => id);
    id = value<Session>(await app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id })).id;
    const pids = await until(() => {
      const found = ['outer', 'inner', 'sleeper'].map((name) => Number(new RegExp(`${name} (\\d+)`).exec(text())?.[1] ?? 0));
      return found.every((pid) => pid > 0) ? found : null;
    }, 'the three pids');
    expect(pids.map(processState)).toEqual(['alive', 'alive', 'alive']);
    const stopped = value<Session>(await app.router.dispatch('sessions:stop', { sessionId: id }));
    expect(stopped.status).toBe('stopped');
    await waitUntilGone(pids);
  });

  it('stop a session whose agent ends on SIGTERM but leaves children that ignore it, and a daemon it started, with none of them left', async () => {
    const app = newApp();
    // The agent's shell dies on SIGTERM; its child and that one's sleep ignore SIGTERM and the
    // SIGHUP of the closing terminal, and are orphaned when it dies. The daemon left the tree
    // (double fork, its own session) before the stop; only Linux can find it (by its environment).
    const ignoring = `trap "" TERM HUP`;
    const daemon = process.platform === 'linux' ? `(setsid sh -c '${ignoring}; exec sleep 61' & echo "daemon $!"); ` : '';
    const script = `sh -c '${ignoring}; sleep 60 & echo "sleeper $!"; wait' & echo "inner $!"; ${daemon}echo "outer $$"; wait`;
    const { project, profile } = await setup(app, '/bin/sh', ['-c', script]);
    let id: string | undefined;
    const text = output(app, () => id);
    id = value<Session>(await app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id })).id;
    const names = ['outer', 'inner', 'sleeper', ...(daemon ? ['daemon'] : [])];
    const pids = await until(() => {
      const found = names.map((name) => Number(new RegExp(`${name} (\\d+)`).exec(text())?.[1] ?? 0));
      return found.every((pid) => pid > 0) ? found : null;
    }, 'the pids');
    expect(pids.map(processState)).toEqual(names.map(() => 'alive'));
    const stopped = value<Session>(await app.router.dispatch('sessions:stop', { sessionId: id }));
    expect(stopped.status).toBe('stopped');
    await waitUntilGone(pids);
  });

  it('start in a new worktree on its own branch', async () => {
    const app = newApp();
    const { project, profile } = await setup(app, '/bin/sh', ['-c', 'git branch --show-current; pwd']);
    const session = value<Session>(
      await app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id, newWorktree: { branch: 'agent/task-1' } }),
    );
    expect(session.branch).toBe('agent/task-1');
    expect(session.cwd).toBe(path.join(project.resolvedWorktreeRoot, 'agent-task-1'));
    await until(async () => (await statusOf(app, session.id)).status === 'exited', 'exit');
    const scrollback = value<{ data: string }>(await app.router.dispatch('sessions:scrollback', { sessionId: session.id }));
    expect(scrollback.data).toContain('agent/task-1');
    expect(scrollback.data).toContain(session.cwd!);
  });

  it('keep running across a restart of the core, which reattaches with the scrollback', async () => {
    const dataDir = tempDir('pitwall-data-');
    const first = newApp(dataDir);
    const { project, profile } = await setup(first, '/bin/sh', ['-c', 'i=0; while true; do echo beat-$i; i=$((i+1)); sleep 0.1; done']);
    const session = value<Session>(await first.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id }));
    let early = '';
    first.events.on('sessions:output', (p) => (early += p.data));
    await until(() => early.includes('beat-3'), 'beats');
    await first.dispose();
    apps.splice(apps.indexOf(first), 1);

    const second = newApp(dataDir);
    await second.ready;
    const listed = value<Session[]>(await second.router.dispatch('sessions:list', {}));
    expect(listed.find((s) => s.id === session.id)?.status).toBe('running');
    const replay = value<{ data: string; offset: number }>(await second.router.dispatch('sessions:scrollback', { sessionId: session.id }));
    expect(replay.data).toContain('beat-0');
    expect(replay.data).toContain('beat-3');
    let live = '';
    let firstOffset = -1;
    second.events.on('sessions:output', (p) => {
      if (firstOffset < 0) firstOffset = p.offset;
      live += p.data;
    });
    await until(() => /beat-\d+/.test(live), 'live output after reattaching');
    expect(firstOffset).toBeGreaterThanOrEqual(replay.offset);
    expect(value<Session>(await second.router.dispatch('sessions:stop', { sessionId: session.id })).status).toBe('stopped');
    expect(fs.existsSync(dataDir)).toBe(true);
  });

  it('restart a finished session in place', async () => {
    const app = newApp();
    const { project, profile } = await setup(app, '/bin/sh', ['-c', 'echo run-at-$(date +%s%N)']);
    const session = value<Session>(await app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id }));
    await until(async () => (await statusOf(app, session.id)).status === 'exited', 'first run');
    const restarted = value<Session>(await app.router.dispatch('sessions:restart', { sessionId: session.id }));
    expect(restarted.id).toBe(session.id);
    await until(async () => (await statusOf(app, session.id)).status === 'exited', 'second run');
    const scrollback = value<{ data: string }>(await app.router.dispatch('sessions:scrollback', { sessionId: session.id }));
    expect(scrollback.data.match(/run-at-\d+/g)?.length).toBe(2);
  });

  it('restart a stopped session at once, and the stop of the first run leaves the second run alone', async () => {
    const app = newApp();
    // A child that outlives SIGTERM keeps the first run's SIGKILL pending while the second run starts.
    const { project, profile } = await setup(app, '/bin/sh', ['-c', `sh -c 'trap "" TERM HUP; sleep 60' & echo "run $$"; sleep 60`]);
    const session = value<Session>(await app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id }));
    const runs = async () => [...value<{ data: string }>(await app.router.dispatch('sessions:scrollback', { sessionId: session.id })).data.matchAll(/run (\d+)/g)].map((m) => Number(m[1]));
    const [first] = await until(async () => ((await runs()).length === 1 ? runs() : null), 'the first run');
    value(await app.router.dispatch('sessions:stop', { sessionId: session.id }));
    value(await app.router.dispatch('sessions:restart', { sessionId: session.id }));
    const second = await until(async () => (await runs())[1] ?? null, 'the second run');
    // Past the stop's grace period (500 ms here), the second run still runs; the first is gone.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(processState(second)).toBe('alive');
    expect((await statusOf(app, session.id)).status).toBe('running');
    await waitUntilGone([first!]);
  });
});

describe('profiles', () => {
  it('start with one built-in per kind, Claude Code first, and list custom ones after them', async () => {
    const app = newApp();
    await app.ready;
    value(await app.router.dispatch('profiles:create', { name: 'A custom agent', kind: 'shell', command: '/bin/sh' }));
    const profiles = value<AgentProfile[]>(await app.router.dispatch('profiles:list', {}));
    expect(profiles.map((p) => [p.kind, p.builtIn])).toEqual([
      ['claude-code', true],
      ['codex', true],
      ['gemini', true],
      ['aider', true],
      ['shell', true],
      ['shell', false],
    ]);
    const removeBuiltIn = await app.router.dispatch('profiles:remove', { id: profiles[0]!.id });
    expect(removeBuiltIn).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    const badEnv = await app.router.dispatch('profiles:create', { name: 'x', kind: 'shell', command: 'sh', env: { 'BAD NAME': '1' } });
    expect(badEnv).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });
});
