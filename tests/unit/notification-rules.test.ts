import { describe, expect, it } from 'vitest';
import { isOnScreen, routeOfHash, routeShows } from '../../src-common/domain/notification';
import { noticeActions, noticesFor, notificationActionsSupported } from '../../src-main/notifications/notification-rules';
import { emptySnapshot, type LiveAgentItem, type StatusSnapshot } from '../../src-main/status/status-snapshot';

const ALL_ON = { approval: true, input: true, finished: true, review: true };

function snap(extra: Partial<StatusSnapshot>): StatusSnapshot {
  return { ...emptySnapshot(), ...extra };
}
const live = (id: string, extra: Partial<LiveAgentItem> = {}): LiveAgentItem => ({ id, title: 'Fix login', agentName: 'Claude Code', projectId: 'p', projectName: 'billing', status: 'running', activity: 'working', ...extra });
const ended = (id: string, status: 'exited' | 'failed' | 'stopped', detail: string | null = null, taskId: string | null = null) => ({ id, title: 'Fix login', agentName: 'Claude Code', projectName: 'billing', status, detail, endedAt: 1000, taskId });
const approval = { id: 'a1', toolName: 'Bash', summary: '$ rm -rf dist', sessionId: 's1', sessionTitle: 'Fix login', projectName: 'billing', createdAt: 1 };

describe('notification rules', () => {
  it('notify a new approval once, with Allow / Deny where the platform can', () => {
    const before = snap({ agents: [live('s1')] });
    const after = snap({ agents: [live('s1')], approvals: [approval] });
    const [notice, ...rest] = noticesFor(before, after, ALL_ON);
    expect(rest).toEqual([]);
    expect(notice).toEqual({
      id: 'approval:a1',
      kind: 'approval',
      title: 'Approval needed: Bash',
      body: 'billing · Fix login — $ rm -rf dist',
      route: 'approvals',
      shownOn: ['approvals'],
      approvalId: 'a1',
    });
    expect(noticesFor(after, after, ALL_ON)).toEqual([]);
    expect(noticeActions(notice!, 'darwin')).toEqual([
      { label: 'Allow', decision: 'allow' },
      { label: 'Deny', decision: 'deny' },
    ]);
    expect(noticeActions(notice!, 'linux')).toEqual([]);
    expect(notificationActionsSupported('win32')).toBe(false);
  });

  it('notify an agent that starts waiting for input, unless an approval already says so', () => {
    const waiting = snap({ agents: [live('s1', { activity: 'waiting_for_input' })] });
    expect(noticesFor(snap({ agents: [live('s1')] }), waiting, ALL_ON)).toEqual([
      { id: 'input:s1', kind: 'input', title: 'Claude Code is waiting for you', body: 'billing · Fix login', route: 'sessions/s1', shownOn: ['sessions/s1'], approvalId: null },
    ]);
    expect(noticesFor(waiting, waiting, ALL_ON)).toEqual([]);
    const blocked = snap({ agents: [live('s1', { activity: 'waiting_for_input' })], approvals: [approval] });
    expect(noticesFor(snap({ agents: [live('s1')], approvals: [approval] }), blocked, ALL_ON)).toEqual([]);
  });

  it('notify an agent that finished or failed, but not one stopped from Pitwall', () => {
    const before = snap({ agents: [live('s1'), live('s2'), live('s3')] });
    const after = snap({ ended: [ended('s1', 'exited'), ended('s2', 'failed', 'Exited with code 2'), ended('s3', 'stopped')] });
    const notices = noticesFor(before, after, ALL_ON);
    expect(notices.map((n) => [n.title, n.body, n.route])).toEqual([
      ['Claude Code finished', 'billing · Fix login', 'sessions/s1'],
      ['Claude Code failed', 'billing · Fix login — Exited with code 2', 'sessions/s2'],
    ]);
    expect(notices[0]!.shownOn).toEqual(['sessions', 'sessions/s1']);
    // An ended agent that was not running in the previous snapshot (start-up, an old one) says nothing.
    expect(noticesFor(snap({}), after, ALL_ON)).toEqual([]);
  });

  it('notify a task ready for review instead of its agent finishing (a failure is still told)', () => {
    const before = snap({ agents: [live('s1'), live('s2')] });
    // The agent ends first; the task reaches review a moment later, in the next snapshot.
    const ending = snap({ ended: [ended('s1', 'exited', null, 't1'), ended('s2', 'failed', 'Exited with code 1', 't2')] });
    expect(noticesFor(before, ending, ALL_ON).map((n) => n.title)).toEqual(['Claude Code failed']);
    const reviewing = snap({ ...ending, review: [{ id: 't1', title: 'Dark mode', projectName: 'web', sessionId: 's1' }] });
    expect(noticesFor(ending, reviewing, ALL_ON)).toEqual([
      { id: 'review:t1', kind: 'review', title: 'Ready for review', body: 'web · Dark mode', route: 'tasks/t1', shownOn: ['tasks/*'], approvalId: null },
    ]);
  });

  it('give nothing for a kind turned off', () => {
    const before = snap({ agents: [live('s1'), live('s2')] });
    const after = snap({ approvals: [approval], agents: [live('s2', { activity: 'waiting_for_input' })], ended: [ended('s1', 'failed')], review: [{ id: 't1', title: 'T', projectName: null, sessionId: null }] });
    expect(noticesFor(before, after, ALL_ON).map((n) => n.kind)).toEqual(['approval', 'input', 'finished', 'review']);
    expect(noticesFor(before, after, { approval: false, input: true, finished: false, review: true }).map((n) => n.kind)).toEqual(['input', 'review']);
    expect(noticesFor(before, after, { approval: false, input: false, finished: false, review: false })).toEqual([]);
  });

  it('keep bodies to one bounded line', () => {
    const long = { ...approval, summary: `$ echo ${'x'.repeat(500)}\nsecond line` };
    const [notice] = noticesFor(snap({}), snap({ approvals: [long] }), ALL_ON);
    expect(notice!.body.length).toBeLessThanOrEqual(180);
    expect(notice!.body).not.toContain('\n');
  });
});

describe('on screen', () => {
  it('reads routes from hashes and matches views, `x/*` standing for the section and any item in it', () => {
    expect(routeOfHash('#/sessions/abc')).toBe('sessions/abc');
    expect(routeOfHash('#/approvals/')).toBe('approvals');
    expect(routeOfHash('')).toBe('');
    expect(routeShows('tasks', ['tasks/*'])).toBe(true);
    expect(routeShows('tasks/t9', ['tasks/*'])).toBe(true);
    expect(routeShows('tasksx', ['tasks/*'])).toBe(false);
    expect(routeShows('sessions/s2', ['sessions', 'sessions/s1'])).toBe(false);
    expect(routeShows('sessions', ['sessions', 'sessions/s1'])).toBe(true);
  });

  it('is only when the window has focus, is visible, and shows the item', () => {
    const notice = { shownOn: ['approvals'] };
    expect(isOnScreen(notice, { focused: true, visible: true, route: 'approvals' })).toBe(true);
    expect(isOnScreen(notice, { focused: false, visible: true, route: 'approvals' })).toBe(false);
    expect(isOnScreen(notice, { focused: true, visible: false, route: 'approvals' })).toBe(false);
    expect(isOnScreen(notice, { focused: true, visible: true, route: 'sessions' })).toBe(false);
  });
});
