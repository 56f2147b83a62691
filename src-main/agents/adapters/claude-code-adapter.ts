import path from 'node:path';
import { atLeast, type Version } from '../cli-version';
import type { AgentAdapter, HookLaunch, LaunchContext, LaunchPlan } from './agent-adapter';

/** Claude Code's project folder name for a working directory: every non-alphanumeric becomes `-`. */
export function claudeProjectDirName(cwd: string): string {
  return cwd.replace(/[^a-zA-Z0-9]/g, '-');
}

/** The first Claude Code version with `"type": "http"` hooks. */
export const CLAUDE_HTTP_HOOKS_SINCE: Version = [2, 1, 63];

/** How long a PreToolUse may wait for a person (Claude Code's hook timeout, in seconds). */
const DECISION_TIMEOUT_S = 86_400;

function hookHandler(hooks: HookLaunch, timeout: number): object {
  if (hooks.transport === 'http') {
    // The secret is interpolated by the CLI from its environment (only the variables listed in
    // allowedEnvVars are), so it is neither on the command line nor in any file.
    return {
      type: 'http',
      url: `${hooks.url}/hook/claude-code`,
      timeout,
      headers: { Authorization: 'Bearer $PITWALL_HOOK_SECRET', 'X-Pitwall-Session': '$PITWALL_SESSION_ID' },
      allowedEnvVars: ['PITWALL_HOOK_SECRET', 'PITWALL_SESSION_ID'],
    };
  }
  return { type: 'command', command: `${hooks.command} claude-code`, timeout };
}

/**
 * Settings passed with `--settings`, so neither the repository nor the user's own ~/.claude is
 * touched: every tool call goes through Pitwall's hook before and after it runs, and
 * Notification / Stop tell Pitwall when the agent waits for input or is done.
 */
export function claudeHookSettings(hooks: HookLaunch): object {
  const tool = [{ matcher: '*', hooks: [hookHandler(hooks, DECISION_TIMEOUT_S)] }];
  const plain = [{ hooks: [hookHandler(hooks, 30)] }];
  return { hooks: { PreToolUse: tool, PostToolUse: tool, Notification: plain, Stop: plain, UserPromptSubmit: plain } };
}

/**
 * Claude Code's own permission mode. Pitwall's `auto` is carried out by Pitwall's rules, never by a
 * laxer CLI mode: when Pitwall cannot answer a hook (the call fails, or the pty host answers `ask`
 * while the core is away), the CLI falls back to its own mode, and in `default` that mode asks for
 * every write and command. `default` is named explicitly so a `defaultMode` in the user's own
 * settings cannot loosen it; `plan` is stricter still.
 */
const PERMISSION_FLAGS = { supervised: ['--permission-mode', 'default'], plan: ['--permission-mode', 'plan'], auto: ['--permission-mode', 'default'] } as const;

/**
 * Claude Code: every session gets its own `--session-id`, so the transcript path is known before
 * the CLI starts; a restart resumes that exact session with `--resume <id>`, never "the latest
 * one in this folder". The prompt goes after `--`, so no text of the user's becomes an option.
 */
export const claudeCodeAdapter: AgentAdapter = {
  kind: 'claude-code',
  installHint: 'npm install -g @anthropic-ai/claude-code',
  hookAgent: 'claude-code',
  hookTransport: (version) => (version && atLeast(version, CLAUDE_HTTP_HOOKS_SINCE) ? 'http' : 'command'),
  plan(context: LaunchContext): LaunchPlan {
    const { profile } = context;
    const agentSessionId = context.resumeAgentSessionId ?? context.sessionId;
    const args = [...profile.args];
    args.push(...(context.resumeAgentSessionId ? ['--resume', agentSessionId] : ['--session-id', agentSessionId]));
    if (profile.model) args.push('--model', profile.model);
    args.push(...PERMISSION_FLAGS[profile.permissionMode]);
    if (context.hooks) args.push('--settings', JSON.stringify(claudeHookSettings(context.hooks)));
    if (context.prompt) args.push('--', context.prompt);
    const configDir = context.env.CLAUDE_CONFIG_DIR ?? path.join(context.env.HOME ?? '', '.claude');
    return {
      args,
      env: {},
      agentSessionId,
      transcriptPath: path.join(configDir, 'projects', claudeProjectDirName(context.cwd), `${agentSessionId}.jsonl`),
      typedPrompt: null,
    };
  },
};
