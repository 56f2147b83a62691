import type { SyncStatus } from '../../src-common/domain/status';

/** A tool call waiting for a decision, as the tray and notifications show it. */
export interface PendingApprovalItem {
  id: string;
  toolName: string;
  /** What the tool would do, in one line (`$ npm test`, a file path). */
  summary: string;
  sessionId: string | null;
  sessionTitle: string | null;
  projectName: string | null;
  createdAt: number;
}

/** An agent that is queued, starting or running. */
export interface LiveAgentItem {
  id: string;
  title: string;
  agentName: string;
  projectId: string | null;
  projectName: string | null;
  status: 'queued' | 'starting' | 'running' | 'stopping';
  activity: 'working' | 'waiting_for_input' | 'idle' | null;
}

/** An agent that ended lately (for "finished" and "failed" notifications). */
export interface EndedAgentItem {
  id: string;
  title: string;
  agentName: string;
  projectName: string | null;
  status: 'exited' | 'failed' | 'stopped';
  detail: string | null;
  endedAt: number;
  /** The task it worked on: a task's agent that ends well is announced as "ready for review" instead. */
  taskId: string | null;
}

/** A task whose agent is done and whose diff waits for review. */
export interface ReviewTaskItem {
  id: string;
  title: string;
  projectName: string | null;
  sessionId: string | null;
}

/** Everything the tray, the notifications and the page badge are computed from. */
export interface StatusSnapshot {
  /** Oldest first. */
  approvals: PendingApprovalItem[];
  agents: LiveAgentItem[];
  ended: EndedAgentItem[];
  review: ReviewTaskItem[];
  sync: SyncStatus;
}

/** A snapshot with nothing in it. */
export function emptySnapshot(): StatusSnapshot {
  return { approvals: [], agents: [], ended: [], review: [], sync: { state: 'off', detail: null } };
}
