import type { PitwallDb } from '../../db/client';
import type { Approval, ApprovalStatus, PermissionRule, RuleScope } from '../../src-common/domain/approval';
import { systemClock, type Clock } from '../clock';
import type { EventBus } from '../events/event-bus';
import { ApprovalQueue, NOBODY_WAITING, type ApprovalLookups, type ToolCallDecision, type ToolCallRequest } from './approval-queue';
import { PermissionRules } from './permission-rules';
import { evaluate } from './rule-evaluator';
import { ToolCallAuditLog, type ToolCallAudit } from './tool-call-audit';

export type { ApprovalLookups, ToolCallDecision, ToolCallRequest } from './approval-queue';
export type { ToolCallAudit } from './tool-call-audit';
export { previewOf } from './approval-preview';

/**
 * Permission rules, the approval queue and the audit of tool calls, behind one face: decides each
 * tool call by rule or mode, or files it for a person and waits; audits every call either way.
 */
export class ApprovalService {
  private readonly rules: PermissionRules;
  private readonly queue: ApprovalQueue;
  private readonly auditLog: ToolCallAuditLog;

  constructor(
    db: PitwallDb,
    events: EventBus,
    /** The services owning projects and sessions, asked for the names approvals show. */
    lookups: ApprovalLookups,
    /** Where outputs too long for the audit row are kept whole. */
    outputDir: string | null = null,
    /** Turns a pending approval into a deny after this long; null waits for ever. Read per approval. */
    timeoutMs: () => number | null = () => null,
    clock: Clock = systemClock,
  ) {
    this.rules = new PermissionRules(db, events, clock);
    this.queue = new ApprovalQueue(db, events, this.rules, lookups, timeoutMs, clock);
    this.auditLog = new ToolCallAuditLog(db, outputDir, clock);
  }

  /**
   * Decides a PreToolUse: by rule or mode at once, or by a person after a wait. Always audited.
   * A call asked again after a restart of the core (same session and tool_use_id) is matched to
   * the approval it waited on: a pending one is waited on again, a decided one answers as decided.
   */
  async decideToolCall(call: ToolCallRequest): Promise<ToolCallDecision> {
    const earlier = this.queue.earlier(call);
    if (earlier && (earlier.status === 'allowed' || earlier.status === 'denied')) {
      const decision = { decision: earlier.status === 'allowed' ? ('allow' as const) : ('deny' as const), reason: earlier.reason ?? 'Decided in Pitwall' };
      this.auditLog.decided(call, 'decided', decision.decision, earlier.decidedBy, decision.reason);
      return decision;
    }
    let row;
    if (earlier?.status === 'pending') {
      row = earlier;
      this.queue.reopen(row);
    } else {
      const verdict = evaluate(this.rules.list(), call, call.mode);
      if (verdict.effect !== 'ask') {
        this.auditLog.decided(call, 'decided', verdict.effect, verdict.rule ? `rule:${verdict.rule.id}` : `mode:${call.mode}`, verdict.reason);
        return { decision: verdict.effect, reason: verdict.reason };
      }
      row = this.queue.open(call);
    }
    call.onPending?.(row.id);
    const { decision, decidedBy } = await this.queue.wait(row);
    // A cancelled approval gave the agent nothing: the audit says so rather than naming a decision.
    if (decision.cancelled) this.auditLog.decided(call, 'cancelled', null, decidedBy, decision.reason);
    else this.auditLog.decided(call, 'decided', decision.decision, decidedBy, decision.reason);
    return decision;
  }

  /** A person's decision; `remember` also creates the rule that would have decided it. */
  decide(id: string, decision: 'allow' | 'deny', options: { reason?: string | undefined; remember?: RuleScope | undefined; decidedBy?: string } = {}): Approval {
    return this.queue.decide(id, decision, options);
  }

  /**
   * Marks every pending approval that nothing in this process waits on as expired. Run at start-up
   * once the pty host has handed over the calls still waiting (those were matched again): what is
   * left pending has no requester any more.
   */
  expireUnattended(reason = NOBODY_WAITING): number {
    return this.queue.expireUnattended(reason);
  }

  /** Audits a PreToolUse the pty host answered by itself (no core was connected): what the agent actually got. */
  recordHostAnswer(sessionId: string, toolName: string, input: Record<string, unknown>, toolUseId: string | null, turn: number | null, answer: { decision: string; reason: string }): void {
    const reason = answer.decision === 'ask' ? `Asked in the terminal: Pitwall core not connected (${answer.reason})` : answer.reason;
    this.auditLog.decided({ toolName, input, sessionId, toolUseId, turn }, 'decided', answer.decision, 'pitwall-host', reason);
  }

  /** Cancels one pending approval (it was answered elsewhere); its waiter is told it was cancelled. */
  cancel(id: string, reason: string): void {
    this.queue.cancel(id, reason);
  }

  /** Cancels a session's pending approvals (its agent is gone); their hooks get a deny. */
  cancelForSession(sessionId: string): void {
    this.queue.cancelForSession(sessionId);
  }

  /** Records a PostToolUse: the tool ran; what it returned, bounded. */
  recordToolResult(sessionId: string, toolName: string, input: unknown, response: unknown, toolUseId: string | null, turn: number | null = null): void {
    this.auditLog.result(sessionId, toolName, input, response, toolUseId, turn);
  }

  /** Approvals, pending first (oldest first), then the history (newest first). */
  list(filter: { status?: ApprovalStatus | undefined; sessionId?: string | undefined; limit?: number | undefined } = {}): Approval[] {
    return this.queue.list(filter);
  }

  /** One approval. */
  get(id: string): Approval {
    return this.queue.get(id);
  }

  /** How many approvals wait for a person. */
  pendingCount(): number {
    return this.queue.pendingCount();
  }

  /** A session's audited tool calls, newest first. */
  audits(sessionId: string, limit = 500): ToolCallAudit[] {
    return this.auditLog.list(sessionId, limit);
  }

  /** Every permission rule in force. */
  listRules(): PermissionRule[] {
    return this.rules.list();
  }

  /** Adds a permission rule. */
  createRule(input: Omit<PermissionRule, 'id' | 'createdAt' | 'updatedAt'>): PermissionRule {
    return this.rules.create(input);
  }

  /** Removes a permission rule. */
  removeRule(id: string): { id: string } {
    return this.rules.remove(id);
  }
}
