import path from 'node:path';
import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { PitwallDb } from '../../db/client';
import { approvals, permissionRules, projects, sessions, toolCalls } from '../../db/schema';
import { nextVersion, softDeletion } from '../../db/row-version';
import type { PermissionMode } from '../../src-common/domain/agent';
import {
  APPROVAL_STATUSES,
  RULE_EFFECTS,
  RULE_SCOPES,
  type Approval,
  type ApprovalStatus,
  type PermissionRule,
  type RuleScope,
} from '../../src-common/domain/approval';
import { newId } from '../../src-common/ids';
import { AppError } from '../../src-common/result';
import { systemClock, type Clock } from '../clock';
import type { EventBus } from '../events/event-bus';
import { ensurePrivateDir, writePrivateFile } from '../private-files';
import { rememberPlan } from './remembered-rules';
import { evaluate, type ToolCallContext } from './rule-evaluator';

type ApprovalRow = typeof approvals.$inferSelect;
type RuleRow = typeof permissionRules.$inferSelect;

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

/** A finished tool call as the audit records it. */
export interface ToolCallAudit {
  id: string;
  sessionId: string;
  toolName: string;
  input: unknown;
  status: string;
  decision: string | null;
  decidedBy: string | null;
  reason: string | null;
  outputSummary: string | null;
  outputFile: string | null;
  durationMs: number | null;
  turn: number | null;
  createdAt: number;
}

const MAX_SUMMARY = 2000;

/** Why an approval with no requester left is expired rather than decided. */
const NOBODY_WAITING = 'nothing waits for this decision any more: the agent ended or Pitwall restarted, and the call was not asked again';

function parse(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** What the change of a Write/Edit would be, as text for the approval card. */
export function previewOf(toolName: string, input: Record<string, unknown>): string | null {
  const file = typeof input.file_path === 'string' ? input.file_path : null;
  if (toolName === 'Write' && typeof input.content === 'string') return `${file ?? ''}\n${input.content}`.slice(0, 20_000);
  if (toolName === 'Edit' && typeof input.old_string === 'string' && typeof input.new_string === 'string') {
    const minus = input.old_string.split('\n').map((l) => `- ${l}`);
    const plus = input.new_string.split('\n').map((l) => `+ ${l}`);
    return [file ?? '', ...minus, ...plus].join('\n').slice(0, 20_000);
  }
  if (toolName === 'Bash' && typeof input.command === 'string') return `$ ${input.command}`;
  return null;
}

/**
 * Permission rules, the approval queue and the audit of tool calls. A call that the rules leave
 * at `ask` waits here, persisted, until a person decides (or the optional timeout denies it).
 */
export class ApprovalService {
  /** Who waits on each pending approval (a call asked again while the first ask still waits adds a second). */
  private readonly waiters = new Map<string, ((decision: ToolCallDecision) => void)[]>();
  private readonly pendingStart = new Map<string, number>();

  constructor(
    private readonly db: PitwallDb,
    private readonly events: EventBus,
    /** Where outputs too long for the audit row are kept whole. */
    private readonly outputDir: string | null = null,
    /** Turns a pending approval into a deny after this long; null waits for ever. Read per approval. */
    private readonly timeoutMs: () => number | null = () => null,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * Decides a PreToolUse: by rule or mode at once, or by a person after a wait. Always audited.
   * A call asked again after a restart of the core (same session and tool_use_id) is matched to
   * the approval it waited on: a pending one is waited on again, a decided one answers as decided.
   */
  async decideToolCall(call: ToolCallRequest): Promise<ToolCallDecision> {
    const earlier = this.earlierApproval(call);
    if (earlier && earlier.status !== 'pending' && (earlier.status === 'allowed' || earlier.status === 'denied')) {
      const decision = { decision: earlier.status === 'allowed' ? ('allow' as const) : ('deny' as const), reason: earlier.reason ?? 'Decided in Pitwall' };
      this.audit(call, 'decided', decision.decision, earlier.decidedBy, decision.reason);
      return decision;
    }
    let row: ApprovalRow;
    if (earlier?.status === 'pending') {
      row = earlier;
      this.changed(row);
    } else {
      const verdict = evaluate(this.listRules(), call, call.mode);
      if (verdict.effect !== 'ask') {
        this.audit(call, 'decided', verdict.effect, verdict.rule ? `rule:${verdict.rule.id}` : `mode:${call.mode}`, verdict.reason);
        return { decision: verdict.effect, reason: verdict.reason };
      }
      const now = this.clock();
      row = this.db
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
    }
    const id = row.id;
    call.onPending?.(id);
    const decision = await new Promise<ToolCallDecision>((resolve) => {
      this.waiters.set(id, [...(this.waiters.get(id) ?? []), resolve]);
      this.pendingStart.set(id, row.createdAt);
      const timeout = this.timeoutMs();
      if (timeout !== null) {
        const left = Math.max(0, row.createdAt + timeout - this.clock());
        setTimeout(() => {
          if (this.waiters.has(id)) this.settle(id, 'expired', 'deny', 'timeout', `No decision within ${Math.round(timeout / 1000)} s`);
        }, left).unref();
      }
    });
    const decidedBy = this.db.select().from(approvals).where(eq(approvals.id, id)).get()?.decidedBy ?? null;
    // A cancelled approval gave the agent nothing: the audit says so rather than naming a decision.
    if (decision.cancelled) this.audit(call, 'cancelled', null, decidedBy, decision.reason);
    else this.audit(call, 'decided', decision.decision, decidedBy, decision.reason);
    return decision;
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
      const plan = rememberPlan(row.toolName, (parse(row.input) ?? {}) as Record<string, unknown>, this.cwdOf(row), decision);
      if (!plan.ok) throw new AppError('invalid_request', `This call cannot be remembered: ${plan.reason}`);
      for (const pattern of plan.patterns) {
        this.createRule({
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

  /**
   * Marks every pending approval that nothing in this process waits on as expired. Run at start-up
   * once the pty host has handed over the calls still waiting (those were matched again): what is
   * left pending has no requester any more.
   */
  expireUnattended(reason = NOBODY_WAITING): number {
    const pending = this.db.select({ id: approvals.id }).from(approvals).where(eq(approvals.status, 'pending')).all();
    let expired = 0;
    for (const { id } of pending) {
      if (this.waiters.has(id)) continue;
      this.settle(id, 'expired', null, 'pitwall', reason);
      expired += 1;
    }
    return expired;
  }

  /** Audits a PreToolUse the pty host answered by itself (no core was connected): what the agent actually got. */
  recordHostAnswer(sessionId: string, toolName: string, input: Record<string, unknown>, toolUseId: string | null, turn: number | null, answer: { decision: string; reason: string }): void {
    const reason = answer.decision === 'ask' ? `Asked in the terminal: Pitwall core not connected (${answer.reason})` : answer.reason;
    this.audit({ toolName, input, sessionId, toolUseId, turn, cwd: null, projectId: null, mode: 'supervised', worktreeId: null }, 'decided', answer.decision, 'pitwall-host', reason);
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

  /** Records a PostToolUse: the tool ran; what it returned, bounded. */
  recordToolResult(sessionId: string, toolName: string, input: unknown, response: unknown, toolUseId: string | null, turn: number | null = null): void {
    const text = typeof response === 'string' ? response : JSON.stringify(response ?? null);
    const failed = typeof response === 'object' && response !== null && ('is_error' in response ? Boolean((response as { is_error?: unknown }).is_error) : false);
    // By session too, so the lookup uses the (session, external id, status) index instead of scanning every call.
    const started = toolUseId ? this.db.select().from(toolCalls).where(and(eq(toolCalls.sessionId, sessionId), eq(toolCalls.externalId, toolUseId), eq(toolCalls.status, 'decided'))).get() : undefined;
    const now = this.clock();
    const id = newId();
    let outputFile: string | null = null;
    if (text.length > MAX_SUMMARY && this.outputDir) {
      ensurePrivateDir(this.outputDir);
      outputFile = path.join(this.outputDir, `${id}.txt`);
      writePrivateFile(outputFile, text);
    }
    this.db
      .insert(toolCalls)
      .values({
        id,
        createdAt: now,
        updatedAt: now,
        sessionId,
        externalId: toolUseId,
        name: toolName,
        input: JSON.stringify(input ?? {}),
        outputSummary: text.length > MAX_SUMMARY ? `${text.slice(0, MAX_SUMMARY)}…` : text,
        outputFile,
        status: failed ? 'failed' : 'completed',
        durationMs: started ? now - started.createdAt : null,
        turn,
      })
      .run();
  }

  list(filter: { status?: ApprovalStatus | undefined; sessionId?: string | undefined; limit?: number | undefined } = {}): Approval[] {
    const conditions = [isNull(approvals.deletedAt)];
    if (filter.status) conditions.push(eq(approvals.status, filter.status));
    if (filter.sessionId) conditions.push(eq(approvals.sessionId, filter.sessionId));
    const rows = this.db.select().from(approvals).where(and(...conditions)).orderBy(desc(approvals.createdAt)).limit(filter.limit ?? 200).all();
    // Pending first, oldest pending first; then history, newest first.
    const pending = rows.filter((r) => r.status === 'pending').reverse();
    return this.toApprovals([...pending, ...rows.filter((r) => r.status !== 'pending')]);
  }

  get(id: string): Approval {
    return this.toApprovals([this.row(id)])[0]!;
  }

  pendingCount(): number {
    return this.db.select({ id: approvals.id }).from(approvals).where(eq(approvals.status, 'pending')).all().length;
  }

  audits(sessionId: string, limit = 500): ToolCallAudit[] {
    return this.db
      .select()
      .from(toolCalls)
      .where(eq(toolCalls.sessionId, sessionId))
      .orderBy(desc(toolCalls.seq))
      .limit(limit)
      .all()
      .map((r) => ({
        id: r.id,
        sessionId: r.sessionId,
        toolName: r.name,
        input: parse(r.input),
        status: r.status,
        decision: r.decision,
        decidedBy: r.decidedBy,
        reason: r.reason,
        outputSummary: r.outputSummary,
        outputFile: r.outputFile,
        durationMs: r.durationMs,
        turn: r.turn,
        createdAt: r.createdAt,
      }));
  }

  listRules(): PermissionRule[] {
    return this.db.select().from(permissionRules).where(isNull(permissionRules.deletedAt)).all().map(toRule);
  }

  createRule(input: Omit<PermissionRule, 'id' | 'createdAt' | 'updatedAt'>): PermissionRule {
    if (input.scope === 'project' && !input.projectId) throw new AppError('invalid_request', 'A project rule needs a project');
    if (input.scope === 'session' && !input.sessionId) throw new AppError('invalid_request', 'A session rule needs a session');
    const now = this.clock();
    const row = this.db
      .insert(permissionRules)
      .values({ id: newId(), createdAt: now, updatedAt: now, ...input })
      .returning()
      .get();
    this.events.emit('rules:changed', { ruleId: row.id });
    return toRule(row);
  }

  removeRule(id: string): { id: string } {
    const row = this.db.select().from(permissionRules).where(and(eq(permissionRules.id, id), isNull(permissionRules.deletedAt))).get();
    if (!row) throw new AppError('not_found', `No rule with id ${id}`);
    const now = this.clock();
    this.db.update(permissionRules).set(softDeletion(row, now)).where(eq(permissionRules.id, id)).run();
    this.events.emit('rules:changed', { ruleId: id });
    return { id };
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
    this.pendingStart.delete(id);
    for (const waiter of waiting) waiter({ decision: decision ?? 'deny', reason, cancelled: status === 'cancelled' || decision === null });
  }

  private audit(call: ToolCallRequest, status: string, decision: string | null, decidedBy: string | null, reason: string): void {
    if (!call.sessionId) return;
    const now = this.clock();
    this.db
      .insert(toolCalls)
      .values({
        id: newId(),
        createdAt: now,
        updatedAt: now,
        sessionId: call.sessionId,
        externalId: call.toolUseId,
        name: call.toolName,
        input: JSON.stringify(call.input),
        status,
        decision,
        decidedBy,
        reason,
        turn: call.turn ?? null,
      })
      .run();
  }

  /** The approval a re-asked call waited on before: same session and tool_use_id. */
  private earlierApproval(call: ToolCallRequest): ApprovalRow | undefined {
    if (!call.toolUseId || !call.sessionId) return undefined;
    return this.db
      .select()
      .from(approvals)
      .where(and(eq(approvals.sessionId, call.sessionId), eq(approvals.toolUseId, call.toolUseId), inArray(approvals.status, ['pending', 'allowed', 'denied'])))
      .orderBy(desc(approvals.createdAt))
      .get();
  }

  private cwdOf(row: ApprovalRow): string | null {
    if (!row.sessionId) return null;
    return this.db.select({ cwd: sessions.cwd }).from(sessions).where(eq(sessions.id, row.sessionId)).get()?.cwd ?? null;
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
    const sessionIds = [...new Set(rows.map((r) => r.sessionId).filter((x): x is string => x !== null))];
    const projectIds = [...new Set(rows.map((r) => r.projectId).filter((x): x is string => x !== null))];
    const titles = new Map(sessionIds.length ? this.db.select({ id: sessions.id, title: sessions.title }).from(sessions).where(inArray(sessions.id, sessionIds)).all().map((s) => [s.id, s.title]) : []);
    const names = new Map(projectIds.length ? this.db.select({ id: projects.id, name: projects.name }).from(projects).where(inArray(projects.id, projectIds)).all().map((p) => [p.id, p.name]) : []);
    return rows.map((r) => ({
      id: r.id,
      sessionId: r.sessionId,
      sessionTitle: r.sessionId ? (titles.get(r.sessionId) ?? null) : null,
      projectId: r.projectId,
      projectName: r.projectId ? (names.get(r.projectId) ?? null) : null,
      worktreeId: r.worktreeId,
      toolName: r.toolName,
      input: parse(r.input),
      preview: r.preview,
      status: ((APPROVAL_STATUSES as readonly string[]).includes(r.status) ? r.status : 'cancelled') as ApprovalStatus,
      reason: r.reason,
      decidedBy: r.decidedBy,
      decidedAt: r.decidedAt,
      waitedMs: r.waitedMs,
      createdAt: r.createdAt,
      rememberAs: r.status === 'pending' ? rememberPlan(r.toolName, (parse(r.input) ?? {}) as Record<string, unknown>, this.cwdOf(r), 'allow') : null,
    }));
  }
}

function toRule(row: RuleRow): PermissionRule {
  return {
    id: row.id,
    effect: ((RULE_EFFECTS as readonly string[]).includes(row.effect) ? row.effect : 'ask') as PermissionRule['effect'],
    toolName: row.toolName,
    pattern: row.pattern,
    scope: ((RULE_SCOPES as readonly string[]).includes(row.scope) ? row.scope : 'global') as RuleScope,
    projectId: row.projectId,
    sessionId: row.sessionId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function summarize(call: ToolCallContext): string {
  if (typeof call.input.command === 'string') return `${call.toolName}: ${call.input.command}`.slice(0, 200);
  if (typeof call.input.file_path === 'string') return `${call.toolName}: ${call.input.file_path}`.slice(0, 200);
  return call.toolName;
}
