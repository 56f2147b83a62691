import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { PitwallDb } from '../../db/client';
import { approvals } from '../../db/schema';
import { nextVersion } from '../../db/row-version';
import type { PermissionMode } from '../../src-common/domain/agent';
import { APPROVAL_STATUSES, type Approval, type ApprovalStatus, type RuleScope } from '../../src-common/domain/approval';
import { newId } from '../../src-common/ids';
import { AppError } from '../../src-common/result';
import type { SessionService } from '../agents/session-service';
import type { Clock } from '../clock';
import type { EventBus } from '../events/event-bus';
import type { ProjectService } from '../projects/project-service';
import { parseStored, previewOf, summarize } from './approval-preview';
import type { PermissionRules } from './permission-rules';
import { rememberPlan } from './remembered-rules';
import type { ToolCallContext } from './rule-evaluator';

type ApprovalRow = typeof approvals.$inferSelect;

/** A PreToolUse the broker needs decided. */
export interface ToolCallRequest extends ToolCallContext {
  mode: PermissionMode;
  worktreeId: string | null;
  toolUseId: string | null;
  /** Told the approval's id when the call has to wait for a person. */
  onPending?: (approvalId: string) => void;
  /** The agent's turn (prompts so far in the session), for the audit. */
  turn?: number | null;
}

/** The answer given back to the agent. */
export interface ToolCallDecision {
  decision: 'allow' | 'deny' | 'ask';
  reason: string;
  /** True when the approval was cancelled rather than decided (the session ended, or was answered elsewhere). */
  cancelled?: boolean;
}

/** What the queue asks the services owning projects and sessions, to label approvals. */
export interface ApprovalLookups {
  projects: Pick<ProjectService, 'namesOf'>;
  sessions: Pick<SessionService, 'factsOf'>;
}

/** Why an approval with no requester left is expired rather than decided. */
export const NOBODY_WAITING = 'nothing waits for this decision any more: the agent ended or Pitwall restarted, and the call was not asked again';

/**
 * The approval queue: the only writer and reader of `approvals`. A call waits here, persisted,
 * until a person decides (or the optional timeout denies it); the waiters live in this process.
 */
export class ApprovalQueue {
  /** Who waits on each pending approval (a call asked again while the first ask still waits adds a second). */
  private readonly waiters = new Map<string, ((decision: ToolCallDecision) => void)[]>();

  constructor(
    private readonly db: PitwallDb,
    private readonly events: EventBus,
    private readonly rules: PermissionRules,
    private readonly lookups: ApprovalLookups,
    /** Turns a pending approval into a deny after this long; null waits for ever. Read per approval. */
    private readonly timeoutMs: () => number | null,
    private readonly clock: Clock,
  ) {}

  /** The approval a re-asked call waited on before: same session and tool_use_id. */
  earlier(call: ToolCallRequest): ApprovalRow | undefined {
    if (!call.toolUseId || !call.sessionId) return undefined;
    return this.db
      .select()
      .from(approvals)
      .where(and(eq(approvals.sessionId, call.sessionId), eq(approvals.toolUseId, call.toolUseId), inArray(approvals.status, ['pending', 'allowed', 'denied'])))
      .orderBy(desc(approvals.createdAt))
      .get();
  }

  /** Files a call for a person to decide, and says so. */
  open(call: ToolCallRequest): ApprovalRow {
    const now = this.clock();
    const row = this.db
      .insert(approvals)
      .values({
        id: newId(),
        createdAt: now,
        updatedAt: now,
        sessionId: call.sessionId,
        projectId: call.projectId,
        worktreeId: call.worktreeId,
        toolName: call.toolName,
        input: JSON.stringify(call.input),
        preview: previewOf(call.toolName, call.input),
        status: 'pending',
        toolUseId: call.toolUseId,
      })
      .returning()
      .get();
    this.changed(row);
    this.events.emit('approvals:requested', { approvalId: row.id, sessionId: row.sessionId, toolName: row.toolName, summary: summarize(call) });
    return row;
  }

  /** A pending approval waited on again (its call was asked again after a restart). */
  reopen(row: ApprovalRow): void {
    this.changed(row);
  }

  /** Waits for the pending approval's decision (or its timeout); answers it and who decided. */
  async wait(row: ApprovalRow): Promise<{ decision: ToolCallDecision; decidedBy: string | null }> {
    const id = row.id;
    const decision = await new Promise<ToolCallDecision>((resolve) => {
      this.waiters.set(id, [...(this.waiters.get(id) ?? []), resolve]);
      const timeout = this.timeoutMs();
      if (timeout !== null) {
        const left = Math.max(0, row.createdAt + timeout - this.clock());
        setTimeout(() => {
          if (this.waiters.has(id)) this.settle(id, 'expired', 'deny', 'timeout', `No decision within ${Math.round(timeout / 1000)} s`);
        }, left).unref();
      }
    });
    const decidedBy = this.db.select().from(approvals).where(eq(approvals.id, id)).get()?.decidedBy ?? null;
    return { decision, decidedBy };
  }

  /**
   * A person's decision; `remember` also creates the rule that would have decided it. Only an
   * approval something still waits on can be decided: one whose requester is gone (the agent ended,
   * or the core restarted and nothing asked again) becomes `expired`, and the request is refused,
   * so the record never says "allowed" for a call that could not run.
   */
  decide(id: string, decision: 'allow' | 'deny', options: { reason?: string | undefined; remember?: RuleScope | undefined; decidedBy?: string } = {}): Approval {
    const row = this.row(id);
    if (row.status === 'expired') throw new AppError('invalid_request', `This approval expired (${row.reason ?? 'nothing waits for it'}); it can no longer be allowed or denied`);
    if (row.status !== 'pending') throw new AppError('invalid_request', `This approval was already ${row.status}`);
    if (!this.waiters.has(id)) {
      this.settle(id, 'expired', null, 'pitwall', NOBODY_WAITING);
      throw new AppError('invalid_request', `This approval expired (${NOBODY_WAITING}); it can no longer be allowed or denied`);
    }
    if (options.remember) {
      const plan = rememberPlan(row.toolName, (parseStored(row.input) ?? {}) as Record<string, unknown>, this.cwdOf(row), decision);
      if (!plan.ok) throw new AppError('invalid_request', `This call cannot be remembered: ${plan.reason}`);
      for (const pattern of plan.patterns) {
        this.rules.create({
          effect: decision,
          toolName: row.toolName,
          pattern,
          scope: options.remember,
          projectId: options.remember === 'project' ? row.projectId : null,
          sessionId: options.remember === 'session' ? row.sessionId : null,
        });
      }
    }
    const reason = options.reason?.trim() || (decision === 'allow' ? 'Allowed in Pitwall' : 'Denied in Pitwall');
    this.settle(id, decision === 'allow' ? 'allowed' : 'denied', decision, options.decidedBy ?? 'user', reason);
    return this.get(id);
  }

  /** Marks every pending approval that nothing in this process waits on as expired; answers how many. */
  expireUnattended(reason: string): number {
    const pending = this.db.select({ id: approvals.id }).from(approvals).where(eq(approvals.status, 'pending')).all();
    let expired = 0;
    for (const { id } of pending) {
      if (this.waiters.has(id)) continue;
      this.settle(id, 'expired', null, 'pitwall', reason);
      expired += 1;
    }
    return expired;
  }

  /** Cancels one pending approval (it was answered elsewhere); its waiter is told it was cancelled. */
  cancel(id: string, reason: string): void {
    if (this.row(id).status === 'pending') this.settle(id, 'cancelled', 'deny', 'pitwall', reason);
  }

  /** Cancels a session's pending approvals (its agent is gone); their hooks get a deny. */
  cancelForSession(sessionId: string): void {
    const pending = this.db.select().from(approvals).where(and(eq(approvals.sessionId, sessionId), eq(approvals.status, 'pending'))).all();
    for (const row of pending) this.settle(row.id, 'cancelled', 'deny', 'pitwall', 'The session ended');
  }

  /** Pending approvals first, oldest first; then the history, newest first. */
  list(filter: { status?: ApprovalStatus | undefined; sessionId?: string | undefined; limit?: number | undefined } = {}): Approval[] {
    const conditions = [isNull(approvals.deletedAt)];
    if (filter.status) conditions.push(eq(approvals.status, filter.status));
    if (filter.sessionId) conditions.push(eq(approvals.sessionId, filter.sessionId));
    const rows = this.db.select().from(approvals).where(and(...conditions)).orderBy(desc(approvals.createdAt)).limit(filter.limit ?? 200).all();
    const pending = rows.filter((r) => r.status === 'pending').reverse();
    return this.toApprovals([...pending, ...rows.filter((r) => r.status !== 'pending')]);
  }

  /** One approval. */
  get(id: string): Approval {
    return this.toApprovals([this.row(id)])[0]!;
  }

  /** How many approvals wait for a person. */
  pendingCount(): number {
    return this.db.select({ id: approvals.id }).from(approvals).where(eq(approvals.status, 'pending')).all().length;
  }

  private settle(id: string, status: ApprovalStatus, decision: 'allow' | 'deny' | null, decidedBy: string, reason: string): void {
    const row = this.row(id);
    const now = this.clock();
    const next = this.db
      .update(approvals)
      .set({ status, decision, decidedBy, reason, decidedAt: now, waitedMs: now - row.createdAt, ...nextVersion(row, now) })
      .where(eq(approvals.id, id))
      .returning()
      .get();
    this.changed(next);
    const waiting = this.waiters.get(id) ?? [];
    this.waiters.delete(id);
    for (const waiter of waiting) waiter({ decision: decision ?? 'deny', reason, cancelled: status === 'cancelled' || decision === null });
  }

  private cwdOf(row: ApprovalRow): string | null {
    if (!row.sessionId) return null;
    return this.lookups.sessions.factsOf([row.sessionId]).get(row.sessionId)?.cwd ?? null;
  }

  private row(id: string): ApprovalRow {
    const row = this.db.select().from(approvals).where(eq(approvals.id, id)).get();
    if (!row) throw new AppError('not_found', `No approval with id ${id}`);
    return row;
  }

  private changed(row: ApprovalRow): void {
    this.events.emit('approvals:changed', { approvalId: row.id, sessionId: row.sessionId, pending: this.pendingCount() });
  }

  private toApprovals(rows: ApprovalRow[]): Approval[] {
    const facts = this.lookups.sessions.factsOf(rows.map((r) => r.sessionId).filter((x): x is string => x !== null));
    const names = this.lookups.projects.namesOf(rows.map((r) => r.projectId).filter((x): x is string => x !== null));
    return rows.map((r) => ({
      id: r.id,
      sessionId: r.sessionId,
      sessionTitle: r.sessionId ? (facts.get(r.sessionId)?.title ?? null) : null,
      projectId: r.projectId,
      projectName: r.projectId ? (names.get(r.projectId) ?? null) : null,
      worktreeId: r.worktreeId,
      toolName: r.toolName,
      input: parseStored(r.input),
      preview: r.preview,
      status: ((APPROVAL_STATUSES as readonly string[]).includes(r.status) ? r.status : 'cancelled') as ApprovalStatus,
      reason: r.reason,
      decidedBy: r.decidedBy,
      decidedAt: r.decidedAt,
      waitedMs: r.waitedMs,
      createdAt: r.createdAt,
      rememberAs: r.status === 'pending' ? rememberPlan(r.toolName, (parseStored(r.input) ?? {}) as Record<string, unknown>, r.sessionId ? (facts.get(r.sessionId)?.cwd ?? null) : null, 'allow') : null,
    }));
  }
}
