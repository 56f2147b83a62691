import fs from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AgentProfile, Session } from '../../src-common/domain/agent';
import type { Project } from '../../src-common/domain/project';
import type { Worktree } from '../../src-common/domain/worktree';
import type { App } from '../../src-main/app';
import { git, makeRepo } from '../helpers/git-repo';
import { removeTempDirs } from '../helpers/temp-dir';
import { makeTestApp } from '../helpers/test-app';
import { poller, value } from '../helpers/wait';

const until = poller({ timeoutMs: 15_000, intervalMs: 50 });

let app: App | null = null;
afterEach(async () => {
  await app?.sessions.shutdownAgents().catch(() => undefined);
  await app?.dispose();
  app = null;
});
afterAll(removeTempDirs);

async function setup(script: string): Promise<{ app: App; project: Project; profile: AgentProfile }> {
  app = makeTestApp();
  await app.ready;
  const project = value<Project>(await app.router.dispatch('projects:add', { path: makeRepo('lifecycle') }));
  const profile = value<AgentProfile>(await app.router.dispatch('profiles:create', { name: 'stubborn agent', kind: 'shell', command: '/bin/sh', args: ['-c', script], promptMode: 'none' }));
  return { app, project, profile };
}

function statuses(a: App, id: () => string | undefined): string[] {
  const seen: string[] = [];
  a.events.on('sessions:changed', (p) => {
    if (p.sessionId !== id()) return;
    void a.router.dispatch('sessions:get', { sessionId: p.sessionId }).then((r) => r.ok && seen.push((r.value as Session).status));
  });
  return seen;
}

describe('stopping a session', () => {
  it('says "stopping" during the grace period, then "stopped"', async () => {
    // Ignores SIGTERM, so it lives through the whole grace period and is killed after it.
    const { app, project, profile } = await setup('trap "" TERM; echo ready; while true; do sleep 0.1; done');
    let id: string | undefined;
    const seen = statuses(app, () => id);
    let screen = '';
    app.events.on('sessions:output', (p) => (screen += p.data));
    id = value<Session>(await app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id })).id;
    await until(() => screen.includes('ready'), 'the agent to start');
    const stopping = app.router.dispatch('sessions:stop', { sessionId: id });
    const during = await until(async () => {
      const s = value<Session>(await app.router.dispatch('sessions:get', { sessionId: id! }));
      return s.status === 'stopping' ? s : undefined;
    }, 'the stopping status');
    expect(during.statusDetail).toMatch(/has 0\.5 s to end before it is killed/);
    // Typing into a stopping agent is refused with the reason.
    expect(await app.router.dispatch('sessions:input', { sessionId: id, data: 'x' })).toMatchObject({ ok: false, error: { message: 'Session is stopping, not running' } });
    expect(value<Session>(await stopping)).toMatchObject({ status: 'stopped', statusDetail: 'Stopped from Pitwall' });
    await until(() => seen.includes('stopped'), 'the stopped event');
    expect(seen.indexOf('stopping')).toBeLessThan(seen.indexOf('stopped'));
  });
});

describe('removing a worktree an agent works in', () => {
  it('is refused with the agent’s name, then stops the agent first and removes it, snapshotting its work', async () => {
    const { app, project, profile } = await setup('echo draft > notes.txt; echo ready; while true; do sleep 0.1; done');
    let screen = '';
    app.events.on('sessions:output', (p) => (screen += p.data));
    const session = value<Session>(
      await app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id, newWorktree: { branch: 'agent/busy' }, title: 'Busy agent' }),
    );
    await until(() => screen.includes('ready'), 'the agent to start');
    const worktreeId = session.worktreeId!;

    const refused = await app.router.dispatch('worktrees:remove', { worktreeId, force: true });
    expect(refused).toMatchObject({ ok: false, error: { code: 'agent_running', message: '“Busy agent” is running in agent/busy' } });
    expect(value<Session>(await app.router.dispatch('sessions:get', { sessionId: session.id })).status).toBe('running');
    expect(fs.existsSync(session.cwd!)).toBe(true);

    const removed = value<Worktree>(await app.router.dispatch('worktrees:remove', { worktreeId, force: true, stopAgents: true }));
    expect(removed.status).toBe('removed');
    expect(value<Session>(await app.router.dispatch('sessions:get', { sessionId: session.id })).status).toBe('stopped');
    expect(fs.existsSync(session.cwd!)).toBe(false);
    expect(git(project.path, 'show', `${removed.snapshotRef}:notes.txt`)).toBe('draft');
  });

  it('stops a session still queued for it, too', async () => {
    const { app, project, profile } = await setup('while true; do sleep 0.1; done');
    value(await app.router.dispatch('projects:update', { id: project.id, config: { maxConcurrentAgents: 1 } }));
    const wt = value<Worktree>(await app.router.dispatch('worktrees:create', { projectId: project.id, branch: 'agent/queue' }));
    const first = value<Session>(await app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id }));
    const queued = value<Session>(await app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id, worktreeId: wt.id }));
    expect(queued.status).toBe('queued');
    expect(await app.router.dispatch('worktrees:remove', { worktreeId: wt.id })).toMatchObject({ ok: false, error: { code: 'agent_running' } });
    value(await app.router.dispatch('worktrees:remove', { worktreeId: wt.id, stopAgents: true }));
    expect(value<Session>(await app.router.dispatch('sessions:get', { sessionId: queued.id })).status).toBe('stopped');
    // The session in the main checkout was not touched.
    expect(value<Session>(await app.router.dispatch('sessions:get', { sessionId: first.id })).status).toBe('running');
  });
});
