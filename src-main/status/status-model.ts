import type { StatusState, StatusSummary } from '../../src-common/domain/status';
import type { StatusSnapshot } from './status-snapshot';

/** The counts and the at-a-glance state of a snapshot. */
export function summarize(snapshot: StatusSnapshot): StatusSummary {
  const pendingApprovals = snapshot.approvals.length;
  const withApproval = new Set(snapshot.approvals.map((a) => a.sessionId));
  // An agent blocked on an approval is counted once, as the approval.
  const waitingForInput = snapshot.agents.filter((a) => a.activity === 'waiting_for_input' && !withApproval.has(a.id)).length;
  const reviewTasks = snapshot.review.length;
  const runningAgents = snapshot.agents.filter((a) => a.status !== 'queued').length;
  const attention = pendingApprovals + waitingForInput + reviewTasks;
  const state: StatusState = attention > 0 ? 'attention' : snapshot.sync.state === 'failing' ? 'sync-failing' : snapshot.agents.length > 0 ? 'running' : 'idle';
  return { state, pendingApprovals, waitingForInput, reviewTasks, runningAgents, attention, sync: snapshot.sync };
}

/** True when two summaries would show the same thing. */
export function sameSummary(a: StatusSummary, b: StatusSummary): boolean {
  return (
    a.state === b.state &&
    a.pendingApprovals === b.pendingApprovals &&
    a.waitingForInput === b.waitingForInput &&
    a.reviewTasks === b.reviewTasks &&
    a.runningAgents === b.runningAgents &&
    a.sync.state === b.sync.state &&
    a.sync.detail === b.sync.detail
  );
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** One line for a tooltip or a title: what waits, what runs, how sync is. */
export function statusLine(summary: StatusSummary): string {
  const parts: string[] = [];
  if (summary.pendingApprovals > 0) parts.push(count(summary.pendingApprovals, 'approval waiting', 'approvals waiting'));
  if (summary.waitingForInput > 0) parts.push(count(summary.waitingForInput, 'agent waiting for input', 'agents waiting for input'));
  if (summary.reviewTasks > 0) parts.push(count(summary.reviewTasks, 'task to review', 'tasks to review'));
  if (summary.runningAgents > 0) parts.push(count(summary.runningAgents, 'agent running', 'agents running'));
  if (summary.sync.state === 'failing') parts.push('sync failing');
  return parts.length > 0 ? parts.join(' · ') : 'Nothing running';
}
