import { PERMISSION_MODES, type PermissionMode } from '../../src-common/domain/agent';
import type { Disposable } from '../lifecycle';
import { DisposableStore } from '../lifecycle';
import type { ApprovalService } from './approval-service';
import type { HookCall, HookDelivery, HookVerdict } from './hook-call';

/** What the broker needs of the pty host connection. */
export interface HookSource {
  onHookCall(listener: (call: HookCall, delivery: HookDelivery) => void): Disposable;
  onHookGone(listener: (callId: string) => void): Disposable;
  onHookLost(listener: (count: number) => void): Disposable;
  answerHook(callId: string, verdict: HookVerdict | null): Promise<void>;
}

/** Where a session's tool calls happen, for the rules (looked up per call: a restarted core has no memory of launches). */
export interface HookSessionInfo {
  projectId: string | null;
  worktreeId: string | null;
  cwd: string | null;
}

/** Session-state changes the hooks report (Notification: waiting for input; Stop: idle). */
export type ActivityListener = (sessionId: string, activity: 'working' | 'waiting_for_input' | 'idle') => void;

/**
 * The core's side of the agents' hooks. The pty host owns the endpoint agents call (see
 * HookGateway) and relays each call here over its private socket: a `pre-tool` call is decided by
 * the approval service (rules at once, or a person in the Approvals page) and the verdict goes
 * back; every other call is recorded and acknowledged, and only then dropped by the host.
 *
 * A call the host re-asks after a restart carries the same session and tool_use_id as before, so
 * the approval it was waiting on is picked up again rather than filed twice.
 */
export class HookBroker implements Disposable {
  private readonly store = new DisposableStore();
  /** The approval each relayed `pre-tool` call waits on, so a call that ends early cancels it. */
  private readonly approvalOfCall = new Map<string, string>();

  constructor(
    private readonly source: HookSource,
    private readonly approvals: ApprovalService,
    private readonly sessionInfo: (sessionId: string) => HookSessionInfo | null,
    private readonly onActivity: ActivityListener,
  ) {
    this.store.add(source.onHookCall((call, delivery) => this.onCall(call, delivery)));
    this.store.add(
      source.onHookGone((callId) => {
        const approvalId = this.approvalOfCall.get(callId);
        this.approvalOfCall.delete(callId);
        if (approvalId) this.approvals.cancel(approvalId, 'The agent stopped waiting for this decision (its hook call ended)');
      }),
    );
    this.store.add(source.onHookLost((count) => console.error(`[hooks] ${count} hook event(s) were dropped while Pitwall was away; the audit misses them`)));
  }

  private onCall(call: HookCall, delivery: HookDelivery): void {
    const work = delivery === 'verdict' ? this.decide(call) : this.record(call);
    // The broker never leaves a promise floating. A recorded call that failed stays with the host
    // until a core acknowledges it; a call that could not be decided is answered "ask" (the CLI's
    // own prompt), rather than leaving the agent waiting on a verdict that will not come.
    work.catch((error: unknown) => {
      console.error(`[hooks] ${call.eventName} of session ${call.sessionId} failed`, error);
      if (delivery !== 'verdict') return;
      const reason = `Pitwall could not decide (${error instanceof Error ? error.message : String(error)}); asking in the terminal`;
      this.source.answerHook(call.callId, { decision: 'ask', reason }).catch((again: unknown) => console.error('[hooks] could not answer the hook either', again));
    });
  }

  private async decide(call: HookCall): Promise<void> {
    this.onActivity(call.sessionId, 'working');
    const info = this.sessionInfo(call.sessionId);
    let verdict: HookVerdict;
    if (!info) {
      verdict = { decision: 'ask', reason: 'Pitwall does not know this session; asking in the terminal' };
    } else {
      const decided = await this.approvals.decideToolCall({
        toolName: call.toolName ?? 'unknown',
        input: call.toolInput,
        cwd: info.cwd,
        projectId: info.projectId,
        sessionId: call.sessionId,
        worktreeId: info.worktreeId,
        mode: modeOf(call),
        toolUseId: call.toolUseId,
        turn: call.turn,
        onPending: (approvalId) => this.approvalOfCall.set(call.callId, approvalId),
      });
      this.approvalOfCall.delete(call.callId);
      // A cancelled approval means nothing waits for the answer any more.
      if (decided.cancelled) return;
      verdict = { decision: decided.decision, reason: decided.reason };
    }
    await this.source.answerHook(call.callId, verdict);
  }

  private async record(call: HookCall): Promise<void> {
    switch (call.event) {
      case 'pre-tool':
        // Answered by the host while no core was connected: the audit says what the agent got.
        if (call.hostAnswer) this.approvals.recordHostAnswer(call.sessionId, call.toolName ?? 'unknown', call.toolInput, call.toolUseId, call.turn, call.hostAnswer);
        break;
      case 'post-tool':
        this.approvals.recordToolResult(call.sessionId, call.toolName ?? 'unknown', call.toolInput, call.toolResponse, call.toolUseId, call.turn);
        break;
      case 'notification':
        this.onActivity(call.sessionId, 'waiting_for_input');
        break;
      case 'stop':
        this.onActivity(call.sessionId, 'idle');
        break;
      case 'prompt':
        this.onActivity(call.sessionId, 'working');
        break;
      default:
        break;
    }
    await this.source.answerHook(call.callId, null);
  }

  dispose(): Promise<void> {
    return this.store.dispose();
  }
}

function modeOf(call: HookCall): PermissionMode {
  const mode = call.context.mode;
  return (PERMISSION_MODES as readonly string[]).includes(mode ?? '') ? (mode as PermissionMode) : 'supervised';
}
