import { z } from 'zod';

/** The agents Pitwall knows how to drive; `shell` runs any command. */
export const AGENT_KINDS = ['claude-code', 'codex', 'gemini', 'aider', 'shell'] as const;
/** One of {@link AGENT_KINDS}. */
export type AgentKind = (typeof AGENT_KINDS)[number];

/** How much an agent may do without asking (enforced by approvals). */
export const PERMISSION_MODES = ['supervised', 'plan', 'auto'] as const;
/** One of {@link PERMISSION_MODES}. */
export type PermissionMode = (typeof PERMISSION_MODES)[number];

/**
 * How a session's first prompt (a task, a reviewer's feedback) reaches the agent: on its command
 * line the way the agent takes it, on standard input, typed into its terminal once it is up, or
 * not at all (a shell).
 */
export const PROMPT_MODES = ['argument', 'stdin', 'typed', 'none'] as const;
/** One of {@link PROMPT_MODES}. */
export type PromptMode = (typeof PROMPT_MODES)[number];

/**
 * The prompt modes each kind can use. Aider takes no interactive first prompt on its command line
 * (`--message` answers and exits); the known agents are TUIs that read their terminal, not a pipe.
 */
export const PROMPT_MODES_BY_KIND: Record<AgentKind, readonly PromptMode[]> = {
  'claude-code': ['argument', 'typed', 'none'],
  codex: ['argument', 'typed', 'none'],
  gemini: ['argument', 'typed', 'none'],
  aider: ['typed', 'none'],
  shell: ['argument', 'stdin', 'typed', 'none'],
};

/** The prompt mode a new profile of `kind` gets when none is chosen. */
export function defaultPromptMode(kind: AgentKind): PromptMode {
  return kind === 'aider' || kind === 'shell' ? 'typed' : 'argument';
}

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'Environment variable names are letters, digits and _');

/** Editable fields of an agent profile. */
export const agentProfileInputSchema = z.object({
  name: z.string().trim().min(1, 'Name is required').max(100),
  kind: z.enum(AGENT_KINDS),
  /** Command name looked up on the login shell's PATH, or an absolute path. */
  command: z.string().trim().min(1, 'Command is required').max(1000),
  args: z.array(z.string().max(10_000)).max(100).default([]),
  env: z.record(envName, z.string().max(100_000)).default({}),
  model: z.string().trim().min(1).max(200).nullable().default(null),
  permissionMode: z.enum(PERMISSION_MODES).default('supervised'),
  /** How the first prompt is passed; without it, the kind's default ({@link defaultPromptMode}). */
  promptMode: z.enum(PROMPT_MODES).optional(),
});

/** An agent profile: what to run and how. */
export const agentProfileSchema = agentProfileInputSchema.extend({
  promptMode: z.enum(PROMPT_MODES),
  id: z.string(),
  builtIn: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
/** An agent profile. */
export type AgentProfile = z.infer<typeof agentProfileSchema>;

/** The environment agents start with, by name only: values (API keys) never leave the core. */
export const environmentSummarySchema = z.object({
  /** The login shell asked, or null (Windows, no shell known). */
  shell: z.string().nullable(),
  /** `login-shell`: its environment; `process`: Pitwall's own, cleaned, stood in. */
  source: z.enum(['login-shell', 'process']),
  /** Why the login shell's environment is not used, or null. */
  problem: z.string().nullable(),
  keys: z.array(z.string()),
});
/** An environment summary. */
export type EnvironmentSummary = z.infer<typeof environmentSummarySchema>;

/** Where a session came from: started here, or read from a chat-session file. */
export const SESSION_SOURCES = ['launched', 'vscode-copilot', 'claude-code', 'codex'] as const;

/**
 * Lifecycle of a session. `stopping`: asked to end, within its grace period (then killed).
 * `recorded`: read from an agent's transcript file; it did not run in Pitwall.
 */
export const SESSION_STATUSES = ['queued', 'starting', 'running', 'stopping', 'exited', 'failed', 'stopped', 'recorded'] as const;
/** One of {@link SESSION_STATUSES}. */
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** True for statuses after which nothing more runs. */
export function isFinished(status: SessionStatus): boolean {
  return status === 'exited' || status === 'failed' || status === 'stopped' || status === 'recorded';
}

/** A session, for lists and the session view. */
export const sessionSchema = z.object({
  id: z.string(),
  source: z.string(),
  agentKind: z.string(),
  projectId: z.string().nullable(),
  projectName: z.string().nullable(),
  worktreeId: z.string().nullable(),
  branch: z.string().nullable(),
  profileId: z.string().nullable(),
  profileName: z.string().nullable(),
  title: z.string().nullable(),
  status: z.enum(SESSION_STATUSES),
  /** Why it failed or what it waits for, in words. */
  statusDetail: z.string().nullable(),
  /** Inside a running session: what the agent is doing, as its hooks report it. */
  activity: z.enum(['working', 'waiting_for_input', 'idle']).nullable(),
  cwd: z.string().nullable(),
  /** The agent's own session id (Claude Code's `--session-id`), for resume. */
  agentSessionId: z.string().nullable(),
  transcriptPath: z.string().nullable(),
  exitCode: z.number().int().nullable(),
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  durationMs: z.number().nullable(),
});
/** A session. */
export type Session = z.infer<typeof sessionSchema>;
