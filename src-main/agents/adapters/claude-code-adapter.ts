import path from 'node:path';
import type { AgentAdapter, LaunchContext, LaunchPlan } from './agent-adapter';

/** Claude Code's project folder name for a working directory: every non-alphanumeric becomes `-`. */
export function claudeProjectDirName(cwd: string): string {
  return cwd.replace(/[^a-zA-Z0-9]/g, '-');
}

/**
 * Settings passed with `--settings`, so neither the repository nor the user's own ~/.claude is
 * touched: every tool call goes through Pitwall's hook before and after it runs, and
 * Notification / Stop tell Pitwall when the agent waits for input or is done.
 */
export function claudeHookSettings(hookCommand: string): object {
  const hook = [{ matcher: '*', hooks: [{ type: 'command', command: hookCommand, timeout: 86_400 }] }];
  const plain = [{ hooks: [{ type: 'command', command: hookCommand }] }];
  return { hooks: { PreToolUse: hook, PostToolUse: hook, Notification: plain, Stop: plain, UserPromptSubmit: plain } };
}

const PERMISSION_FLAGS = { supervised: [], plan: ['--permission-mode', 'plan'], auto: ['--permission-mode', 'acceptEdits'] } as const;

/**
 * Claude Code: every session gets its own `--session-id`, so the transcript path is known before
 * the CLI starts; a restart resumes that exact session with `--resume <id>`, never "the latest
 * one in this folder".
 */
export const claudeCodeAdapter: AgentAdapter = {
  kind: 'claude-code',
  installHint: 'npm install -g @anthropic-ai/claude-code',
  plan(context: LaunchContext): LaunchPlan {
    const { profile } = context;
    const agentSessionId = context.resumeAgentSessionId ?? context.sessionId;
    const args = [...profile.args];
    args.push(...(context.resumeAgentSessionId ? ['--resume', agentSessionId] : ['--session-id', agentSessionId]));
    if (profile.model) args.push('--model', profile.model);
    args.push(...PERMISSION_FLAGS[profile.permissionMode]);
    if (context.hookCommand) args.push('--settings', JSON.stringify(claudeHookSettings(context.hookCommand)));
    if (context.prompt) args.push(context.prompt);
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
