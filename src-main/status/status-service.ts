import { isFinished, type Session } from '../../src-common/domain/agent';
import type { Approval } from '../../src-common/domain/approval';
import type { StatusSummary, SyncStatus } from '../../src-common/domain/status';
import { syncStatusSchema } from '../../src-common/domain/status';
import type { Task } from '../../src-common/domain/task';
import { systemClock, type Clock } from '../clock';
import type { EventBus } from '../events/event-bus';
import { toDisposable, type Disposable } from '../lifecycle';
import { sameSummary, summarize } from './status-model';
import { emptySnapshot, type EndedAgentItem, type LiveAgentItem, type StatusSnapshot } from './status-snapshot';

/** Where the snapshot is read from: the services that own the rows. */
export interface StatusSources {
  pendingApprovals(): Approval[];
  /** Launched sessions that are live, and the newest `maxEnded` that ended at or after `endedSince`. */
  sessions(endedSince: number, maxEnded: number): Session[];
  /** Tasks waiting for review, and the tasks of these sessions. */
  tasks(sessionIds: string[]): Task[];
}

/** Called with the snapshot before and after each change. */
export type SnapshotListener = (previous: StatusSnapshot, next: StatusSnapshot) => void;

/** How long an ended agent stays in the snapshot (enough for the next change to see it end). */
const ENDED_WINDOW_MS = 10 * 60_000;
const MAX_ENDED = 20;

/** One line for an approval: the command, the file, or the tool's name. */
export function approvalSummary(approval: Pick<Approval, 'toolName' | 'input'>): string {
  const input = (approval.input ?? {}) as Record<string, unknown>;
  if (typeof input.command === 'string') return `$ ${input.command}`;
  if (typeof input.file_path === 'string') return input.file_path;
  if (typeof input.url === 'string') return input.url;
  return approval.toolName;
}

/**
 * The status model's input, kept current: re-read (debounced) whenever approvals, sessions, tasks
 * or projects change, and whenever sync reports. Emits `status:changed` when the counts change
 * and tells listeners (notifications, the tray) every new snapshot.
 */
export class StatusService implements Disposable {
  private current: StatusSnapshot = emptySnapshot();
  private sync: SyncStatus = { state: 'off', detail: null };
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly listeners = new Set<SnapshotListener>();
  private readonly subscription: Disposable;
  private disposed = false;

  constructor(
    private readonly events: EventBus,
    private readonly sources: StatusSources,
    private readonly options: { debounceMs?: number; clock?: Clock } = {},
  ) {
    this.subscription = events.onAny((name) => {
      if (name === 'approvals:changed' || name === 'sessions:changed' || name === 'tasks:changed' || name === 'projects:changed') this.schedule();
    });
    this.current = this.read();
  }

  /** The latest snapshot. */
  snapshot(): StatusSnapshot {
    return this.current;
  }

  /** The latest counts and state. */
  summary(): StatusSummary {
    return summarize(this.current);
  }

  /** Team sync reports its state here ('off' until it does). */
  setSync(sync: SyncStatus): void {
    this.sync = syncStatusSchema.parse(sync);
    this.refresh();
  }

  /** Listens to every new snapshot. */
  onChange(listener: SnapshotListener): Disposable {
    this.listeners.add(listener);
    return toDisposable(() => {
      this.listeners.delete(listener);
    });
  }

  /** Reads the sources now (tests and start-up use it; changes are otherwise debounced). */
  refresh(): void {
    if (this.disposed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const previous = this.current;
    let next: StatusSnapshot;
    try {
      next = this.read();
    } catch (error) {
      // The database may be closing; the next change reads again.
      console.error('[status] reading the status failed', error);
      return;
    }
    this.current = next;
    const before = summarize(previous);
    const after = summarize(next);
    if (!sameSummary(before, after)) this.events.emit('status:changed', after);
    for (const listener of [...this.listeners]) {
      try {
        listener(previous, next);
      } catch (error) {
        console.error('[status] a listener failed', error);
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.listeners.clear();
    Promise.resolve(this.subscription.dispose()).catch((error: unknown) => console.error('[status] unsubscribing failed', error));
  }

  private schedule(): void {
    if (this.timer || this.disposed) return;
    this.timer = setTimeout(() => this.refresh(), this.options.debounceMs ?? 100);
    this.timer.unref?.();
  }

  private read(): StatusSnapshot {
    const now = (this.options.clock ?? systemClock)();
    const approvals = this.sources
      .pendingApprovals()
      .filter((a) => a.status === 'pending')
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((a) => ({
        id: a.id,
        toolName: a.toolName,
        summary: approvalSummary(a),
        sessionId: a.sessionId,
        sessionTitle: a.sessionTitle,
        projectName: a.projectName,
        createdAt: a.createdAt,
      }));
    const sessions = this.sources.sessions(now - ENDED_WINDOW_MS, MAX_ENDED);
    const tasks = this.sources.tasks(sessions.filter((s) => isFinished(s.status)).map((s) => s.id));
    const taskOf = new Map(tasks.filter((t) => t.sessionId).map((t) => [t.sessionId!, t.id]));
    const agents: LiveAgentItem[] = [];
    const ended: EndedAgentItem[] = [];
    for (const s of sessions) {
      const title = s.title ?? s.profileName ?? s.agentKind;
      const agentName = s.profileName ?? s.agentKind;
      if (s.status === 'queued' || s.status === 'starting' || s.status === 'running' || s.status === 'stopping') {
        agents.push({ id: s.id, title, agentName, projectId: s.projectId, projectName: s.projectName, status: s.status, activity: s.activity });
      } else if ((s.status === 'exited' || s.status === 'failed' || s.status === 'stopped') && s.endedAt !== null && now - s.endedAt <= ENDED_WINDOW_MS && ended.length < MAX_ENDED) {
        ended.push({ id: s.id, title, agentName, projectName: s.projectName, status: s.status, detail: s.statusDetail, endedAt: s.endedAt, taskId: taskOf.get(s.id) ?? null });
      }
    }
    const review = tasks
      .filter((t) => t.column === 'waiting_approval')
      .map((t) => ({ id: t.id, title: t.title, projectName: t.projectName, sessionId: t.sessionId }));
    return { approvals, agents, ended, review, sync: this.sync };
  }
}
