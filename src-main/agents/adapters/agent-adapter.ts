import type { AgentKind, AgentProfile } from '../../../src-common/domain/agent';
import type { ScreenPrompt } from '../screen-prompt-watcher';

/** What an adapter is told when a session starts. */
export interface LaunchContext {
  profile: AgentProfile;
  /** Pitwall's session id (a UUID). */
  sessionId: string;
  cwd: string;
  /** The environment the agent will see (HOME decides where agents write their transcripts). */
  env: Record<string, string>;
  prompt: string | null;
  /** The agent's own session id from an earlier run, to resume it. */
  resumeAgentSessionId: string | null;
  /** The shell command of Pitwall's hook, for agents with a hook API; null when approvals are off. */
  hookCommand: string | null;
}

/** How to start one agent run. */
export interface LaunchPlan {
  args: string[];
  env: Record<string, string>;
  /** The agent's own session id, when the adapter fixes it up front. */
  agentSessionId: string | null;
  /** Where the agent writes its transcript, when known in advance. */
  transcriptPath: string | null;
  /** A prompt to type into the terminal once the agent is up (for CLIs without a prompt argument). */
  typedPrompt: string | null;
}

/** Knows one agent CLI's flags: how to start, resume, pick a model, and pass a first prompt. */
export interface AgentAdapter {
  readonly kind: AgentKind;
  /** Shown when the command is missing. */
  readonly installHint: string;
  plan(context: LaunchContext): LaunchPlan;
  /** Permission prompts the agent draws in its TUI, for agents without a hook API. */
  readonly screenPrompts?: readonly ScreenPrompt[];
}
