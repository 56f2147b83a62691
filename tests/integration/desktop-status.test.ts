import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AgentProfile, Session } from '../../src-common/domain/agent';
import type { Notice } from '../../src-common/domain/notification';
import type { Project } from '../../src-common/domain/project';
import type { StatusSummary } from '../../src-common/domain/status';
import type { Task } from '../../src-common/domain/task';
import type { App } from '../../src-main/app';
import { trayMenu, type TrayMenuItem } from '../../src-main/status/tray-model';
import { makeRepo } from '../helpers/git-repo';
import { removeTempDirs } from '../helpers/temp-dir';
import { makeTestApp } from '../helpers/test-app';
import { poller, value } from '../helpers/wait';

const until = poller({ timeoutMs: 20_000, intervalMs: 25 });

let app: App | null = null;
afterEach(async () => {
  await app?.sessions.shutdownAgents().catch(() => undefined);
  await app?.dispose();
  app = null;
});
afterAll(removeTempDirs);

async function setup() {
  app = makeTestApp();
  await app.ready;
  const notices: Notice[] = [];
  const summaries: StatusSummary[] = [];
  app.events.on('notifications:notice', (n) => notices.push(n));
  app.events.on('status:changed', (s) => summaries.push(s));
  const project = value<Project>(await app.router.dispatch('projects:add', { path: makeRepo('billing') }));
  const profile = async (name: string, script: string) =>
    value<AgentProfile>(await app!.router.dispatch('profiles:create', { name, kind: 'shell', command: '/bin/sh', args: ['-c', script] }));
  const start = async (p: AgentProfile, title: string) => value<Session>(await app!.router.dispatch('sessions:start', { projectId: project.id, profileId: p.id, title }));
  const status = async () => value<StatusSummary>(await app!.router.dispatch('status:get', {}));
  return { project, profile, start, status, notices, summaries };
}

function findAction(items: TrayMenuItem[], label: string): TrayMenuItem | undefined {
  for (const item of items) {
    if (item.type !== 'separator' && item.label === label) return item;
    if (item.type === 'submenu') {
      const inner = findAction(item.items, label);
      if (inner) return inner;
    }
  }
  return undefined;
}

describe('status, tray and notifications over a real core', () => {
  it('counts a waiting approval, notifies it, and the tray decides it through the Approvals page path, audited', async () => {
    const { project, profile, start, status, notices, summaries } = await setup();
    const session = await start(await profile('sleeper', 'sleep 60'), 'Ship billing');
    await until(async () => (await status()).runningAgents === 1, 'the agent running');
    expect(await status()).toMatchObject({ state: 'running', attention: 0 });

    const decision = app!.approvals.decideToolCall({ toolName: 'Bash', input: { command: 'make deploy' }, cwd: project.path, projectId: project.id, sessionId: session.id, worktreeId: null, mode: 'supervised', toolUseId: 'tu-1' });
    await until(async () => (await status()).pendingApprovals === 1, 'the approval counted');
    expect(await status()).toMatchObject({ state: 'attention', attention: 1, runningAgents: 1 });
    expect(summaries.at(-1)).toMatchObject({ state: 'attention', pendingApprovals: 1 });
    const notice = await until(() => notices.find((n) => n.kind === 'approval'), 'the approval notice');
    expect(notice).toMatchObject({ title: 'Approval needed: Bash', body: 'billing · Ship billing — $ make deploy', route: 'approvals', approvalId: expect.any(String) });

    // The tray's menu, from the live snapshot: Allow is the Approvals page's own request.
    const menu = trayMenu(app!.status.snapshot(), app!.status.summary());
    const allow = findAction(menu, 'Allow');
    expect(allow).toMatchObject({ type: 'action', action: { kind: 'decide', approvalId: notice.approvalId, decision: 'allow' } });
    const action = (allow as Extract<TrayMenuItem, { type: 'action' }>).action as { approvalId: string; decision: 'allow' };
    value(await app!.router.dispatch('approvals:decide', { id: action.approvalId, decision: action.decision }));
    expect(await decision).toMatchObject({ decision: 'allow' });
    const audit = value<{ toolName: string; decision: string; decidedBy: string }[]>(await app!.router.dispatch('audit:list', { sessionId: session.id }));
    expect(audit[0]).toMatchObject({ toolName: 'Bash', decision: 'allow', decidedBy: 'user' });
    await until(async () => (await status()).pendingApprovals === 0, 'the approval gone from the counts');
    expect(notices.filter((n) => n.kind === 'approval')).toHaveLength(1);
  });

  it('notifies an agent waiting for input, one that finished and one that failed, but not one stopped', async () => {
    const { profile, start, status, notices } = await setup();
    const waiter = await start(await profile('waiter', 'sleep 60'), 'Needs an answer');
    await until(async () => (await status()).runningAgents === 1, 'the agent running');
    app!.sessions.setActivity(waiter.id, 'waiting_for_input');
    await until(() => notices.find((n) => n.kind === 'input'), 'the input notice');
    expect(await status()).toMatchObject({ state: 'attention', waitingForInput: 1 });
    expect(notices.find((n) => n.kind === 'input')).toMatchObject({ title: 'waiter is waiting for you', route: `sessions/${waiter.id}` });

    const ok = await start(await profile('quick', 'sleep 0.3; exit 0'), 'Quick one');
    const bad = await start(await profile('broken', 'sleep 0.3; exit 3'), 'Broken one');
    await until(() => notices.filter((n) => n.kind === 'finished').length === 2, 'two finished notices');
    const finished = notices.filter((n) => n.kind === 'finished');
    expect(finished.find((n) => n.route === `sessions/${ok.id}`)).toMatchObject({ title: 'quick finished' });
    expect(finished.find((n) => n.route === `sessions/${bad.id}`)).toMatchObject({ title: 'broken failed', body: expect.stringContaining('Exited with code 3') });

    value(await app!.router.dispatch('sessions:stop', { sessionId: waiter.id }));
    await until(async () => (await status()).runningAgents === 0, 'all agents ended');
    app!.status.refresh();
    expect(notices.filter((n) => n.kind === 'finished')).toHaveLength(2);
    expect(await status()).toMatchObject({ state: 'idle', attention: 0 });
  });

  it('notifies a task ready for review (instead of its agent finishing), and honours the per-kind setting', async () => {
    const { project, profile, status, notices } = await setup();
    const agent = await profile('task agent', 'echo hi > hello.txt');
    const task = value<Task>(await app!.router.dispatch('tasks:create', { projectId: project.id, title: 'Say hello', profileId: agent.id }));
    value(await app!.router.dispatch('tasks:start', { id: task.id }));
    const review = await until(() => notices.find((n) => n.kind === 'review'), 'the review notice');
    expect(review).toMatchObject({ title: 'Ready for review', body: 'billing · Say hello', route: `tasks/${task.id}`, shownOn: ['tasks/*'] });
    expect(await status()).toMatchObject({ reviewTasks: 1, state: 'attention' });
    expect(notices.filter((n) => n.kind === 'finished')).toEqual([]);

    value(await app!.router.dispatch('settings:update', { notifications: { approval: true, input: true, finished: false, review: false } }));
    const second = value<Task>(await app!.router.dispatch('tasks:create', { projectId: project.id, title: 'Say bye', profileId: agent.id }));
    value(await app!.router.dispatch('tasks:start', { id: second.id }));
    await until(async () => (await status()).reviewTasks === 2, 'the second task in review');
    app!.status.refresh();
    expect(notices.filter((n) => n.kind === 'review')).toHaveLength(1);
  });

  it('takes the sync state from team sync and shows failing sync', async () => {
    const { status } = await setup();
    expect((await status()).sync).toEqual({ state: 'off', detail: null });
    app!.status.setSync({ state: 'failing', detail: 'HTTP 503 from the team server' });
    expect(await status()).toMatchObject({ state: 'sync-failing', sync: { state: 'failing', detail: 'HTTP 503 from the team server' } });
    expect(trayMenu(app!.status.snapshot(), app!.status.summary())).toContainEqual({ type: 'action', label: 'Team sync failing: HTTP 503 from the team server', action: { kind: 'open', route: 'settings' } });
    expect(() => app!.status.setSync({ state: 'exploded' as never, detail: null })).toThrow();
  });
});
