import type { ApprovalService } from '../approvals/approval-service';
import type { AgentAdapter } from './adapters/agent-adapter';
import type { ProfileService } from './profile-service';
import type { PtyHostClient } from './pty-host-client';
import { ScreenPromptWatcher, type ScreenPromptMatch } from './screen-prompt-watcher';
import type { SessionRecords } from './session-records';

/**
 * Permission prompts read off the screen of agents without a hook API: each is filed as an
 * approval and its decision typed back; a prompt answered in the terminal first is cancelled.
 */
export class SessionScreenPrompts {
  private readonly watchers = new Map<string, ScreenPromptWatcher>();
  /** Screen prompts waiting for a decision, per session: answered in the terminal, they are cancelled. */
  private readonly pending = new Map<string, string>();

  constructor(
    private readonly records: SessionRecords,
    private readonly profiles: Pick<ProfileService, 'get'>,
    private readonly host: Pick<PtyHostClient, 'input'>,
    /** Without approvals nothing is watched. */
    private readonly approvals: ApprovalService | null,
  ) {}

  /** Starts reading a run's screen for the adapter's prompts. */
  watch(sessionId: string, prompts: AgentAdapter['screenPrompts']): void {
    if (this.approvals && prompts?.length) this.watchers.set(sessionId, new ScreenPromptWatcher(prompts));
  }

  /** Reads a session's output; a prompt seen while none waits is filed. */
  feed(sessionId: string, text: string): void {
    const match = this.watchers.get(sessionId)?.feed(text);
    if (match && !this.pending.has(sessionId)) this.onScreenPrompt(sessionId, match).catch((error: unknown) => console.error('[sessions] screen prompt failed', error));
  }

  /** The person typed into the terminal: a prompt waiting for a decision was answered there. */
  typed(sessionId: string): void {
    const pendingScreen = this.pending.get(sessionId);
    if (!pendingScreen) return;
    this.pending.delete(sessionId);
    this.approvals?.cancel(pendingScreen, 'Answered in the terminal');
  }

  /** Stops watching a session whose run ended. */
  forget(sessionId: string): void {
    this.watchers.delete(sessionId);
    this.pending.delete(sessionId);
  }

  /** Files an agent's on-screen permission prompt as an approval, then types the decision. */
  private async onScreenPrompt(sessionId: string, match: ScreenPromptMatch): Promise<void> {
    const row = this.records.row(sessionId);
    const profile = row.profileId ? this.profiles.get(row.profileId) : null;
    const decision = this.approvals!.decideToolCall({
      toolName: match.prompt.toolName,
      input: { command: match.context, prompt: match.line },
      cwd: row.cwd,
      projectId: row.projectId,
      sessionId,
      worktreeId: row.worktreeId,
      mode: profile?.permissionMode ?? 'supervised',
      toolUseId: null,
      onPending: (approvalId) => this.pending.set(sessionId, approvalId),
    });
    const { decision: verdict, cancelled } = await decision;
    this.pending.delete(sessionId);
    if (cancelled) return;
    const keys = verdict === 'allow' ? match.prompt.keys.allow : match.prompt.keys.deny;
    await this.host.input(sessionId, keys).catch(() => undefined);
  }
}
