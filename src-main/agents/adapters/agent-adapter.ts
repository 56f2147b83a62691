import type { AgentKind, AgentProfile } from '../../../src-common/domain/agent';
import type { HookAgent } from '../../approvals/hook-call';
import type { Version } from '../cli-version';
import type { ScreenPrompt } from '../screen-prompt-watcher';

/**
 * How an agent reaches Pitwall's hook endpoint (owned by the pty host). The secret and the session
 * id travel in the agent's environment (`PITWALL_HOOK_SECRET`, `PITWALL_SESSION_ID`), never on its
 * command line.
 */
export interface HookLaunch {
  /** Base URL of the endpoint; a CLI posts to `<url>/hook/<agent>`. */
  url: string;
  /** The shell command of Pitwall's command hook (`resources/hook`); the adapter adds the agent's name. */
  command: string;
  /** `http`: the CLI posts itself (no process per call); `command`: the CLI runs the command hook. */
  transport: 'http' | 'command';
}

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
  /** Pitwall's hooks, for agents with a hook API; null when approvals are off. */
  hooks: HookLaunch | null;
  /** A private folder (0700) of this session's, for configuration files the plan asks to be written. */
  configDir: string;
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
  /** Files written (0600) before the agent starts, by absolute path inside the context's `configDir`. */
  files?: Record<string, string>;
  /**
   * Symbolic links made before the agent starts, by absolute path inside the context's `configDir`:
   * the target, and whether it is a folder to create (0700) when missing.
   */
  links?: Record<string, { target: string; folder?: boolean }>;
  /** Variables taken out of the agent's environment (ones that would change how its CLI runs). */
  unsetEnv?: readonly string[];
}

/** Knows one agent CLI's flags: how to start, resume, pick a model, and pass a first prompt. */
export interface AgentAdapter {
  readonly kind: AgentKind;
  /** Shown when the command is missing. */
  readonly installHint: string;
  plan(context: LaunchContext): LaunchPlan;
  /** Permission prompts the agent draws in its TUI, for agents without a hook API. */
  readonly screenPrompts?: readonly ScreenPrompt[];
  /** The hook dialect the agent speaks, for agents with a hook API. */
  readonly hookAgent?: HookAgent;
  /** Which hook transport the installed CLI supports, from its version (null: unknown). */
  hookTransport?(version: Version | null): HookLaunch['transport'];
}
