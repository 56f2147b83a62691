import type { Notice, NotificationKind } from '../../src-common/domain/notification';
import type { StatusSnapshot } from '../status/status-snapshot';

/** Which kinds are on (the per-kind setting). */
export type NotificationSwitches = Record<NotificationKind, boolean>;

const MAX_BODY = 180;

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_BODY ? `${line.slice(0, MAX_BODY - 1)}…` : line;
}

function where(projectName: string | null, title: string | null): string {
  return [projectName, title].filter((x): x is string => !!x).join(' · ');
}

/**
 * The notifications a change calls for: a new pending approval; an agent that began waiting for
 * input (unless an approval already says so); an agent that finished or failed (not one stopped
 * from Pitwall, nor a task's agent that ended well: its task's "ready for review" says more); a
 * task that became ready for review. Kinds turned off give nothing.
 */
export function noticesFor(previous: StatusSnapshot, next: StatusSnapshot, on: NotificationSwitches): Notice[] {
  const notices: Notice[] = [];
  const before = {
    approvals: new Set(previous.approvals.map((a) => a.id)),
    waiting: new Set(previous.agents.filter((a) => a.activity === 'waiting_for_input').map((a) => a.id)),
    live: new Set(previous.agents.map((a) => a.id)),
    review: new Set(previous.review.map((t) => t.id)),
  };

  if (on.approval) {
    for (const a of next.approvals) {
      if (before.approvals.has(a.id)) continue;
      notices.push({
        id: `approval:${a.id}`,
        kind: 'approval',
        title: `Approval needed: ${a.toolName}`,
        body: oneLine([where(a.projectName, a.sessionTitle), a.summary].filter(Boolean).join(' — ')),
        route: 'approvals',
        shownOn: ['approvals'],
        approvalId: a.id,
      });
    }
  }

  if (on.input) {
    const blocked = new Set(next.approvals.map((a) => a.sessionId));
    for (const agent of next.agents) {
      if (agent.activity !== 'waiting_for_input' || before.waiting.has(agent.id) || blocked.has(agent.id)) continue;
      notices.push({
        id: `input:${agent.id}`,
        kind: 'input',
        title: `${agent.agentName} is waiting for you`,
        body: oneLine(where(agent.projectName, agent.title)),
        route: `sessions/${agent.id}`,
        shownOn: [`sessions/${agent.id}`],
        approvalId: null,
      });
    }
  }

  if (on.finished) {
    for (const agent of next.ended) {
      if (!before.live.has(agent.id) || agent.status === 'stopped' || (agent.taskId && agent.status === 'exited')) continue;
      const failed = agent.status === 'failed';
      notices.push({
        id: `ended:${agent.id}:${agent.endedAt}`,
        kind: 'finished',
        title: failed ? `${agent.agentName} failed` : `${agent.agentName} finished`,
        body: oneLine([where(agent.projectName, agent.title), failed ? agent.detail : null].filter(Boolean).join(' — ')),
        route: `sessions/${agent.id}`,
        shownOn: ['sessions', `sessions/${agent.id}`],
        approvalId: null,
      });
    }
  }

  if (on.review) {
    for (const task of next.review) {
      if (before.review.has(task.id)) continue;
      notices.push({
        id: `review:${task.id}`,
        kind: 'review',
        title: 'Ready for review',
        body: oneLine(where(task.projectName, task.title)),
        route: `tasks/${task.id}`,
        shownOn: ['tasks/*'],
        approvalId: null,
      });
    }
  }
  return notices;
}

/**
 * Whether OS notifications can carry Allow / Deny buttons. Electron raises the `action` event on
 * macOS only (and there only for a signed app whose alert style is "alert").
 */
export function notificationActionsSupported(platform: NodeJS.Platform): boolean {
  return platform === 'darwin';
}

/** The buttons a notification offers, in order; index = the action's index in Electron's event. */
export function noticeActions(notice: Notice, platform: NodeJS.Platform): { label: string; decision: 'allow' | 'deny' }[] {
  if (!notice.approvalId || !notificationActionsSupported(platform)) return [];
  return [
    { label: 'Allow', decision: 'allow' },
    { label: 'Deny', decision: 'deny' },
  ];
}
