import path from 'node:path';
import type { PermissionMode } from '../../../src-common/domain/agent';
import type { AgentAdapter, HookLaunch, LaunchContext, LaunchPlan } from './agent-adapter';

/** How long a BeforeTool may wait for a person (Gemini's hook timeout, in milliseconds). */
const DECISION_TIMEOUT_MS = 86_400_000;

/**
 * Settings with Pitwall's hooks, given to Gemini as its system settings file for this run only
 * (`GEMINI_CLI_SYSTEM_SETTINGS_PATH`), so neither the user's ~/.gemini nor the repository changes.
 */
export function geminiHookSettings(hooks: HookLaunch): object {
  const handler = (timeout: number) => ({ type: 'command', command: `${hooks.command} gemini`, timeout });
  const tool = [{ matcher: '.*', hooks: [handler(DECISION_TIMEOUT_MS)] }];
  const plain = [{ hooks: [handler(30_000)] }];
  return { hooks: { BeforeTool: tool, AfterTool: tool, BeforeAgent: plain, AfterAgent: plain, Notification: plain } };
}

/**
 * Gemini's approval mode per permission mode. With Pitwall's hooks in place, every tool call is
 * decided by Pitwall (rules, else the Approvals queue) before Gemini's own policy is consulted, so
 * Gemini is told to ask nothing more (`yolo`); whenever Pitwall cannot answer, the hook says "ask"
 * and Gemini shows its own confirmation anyway. Without hooks Gemini asks as usual. `plan` stays
 * read-only either way.
 */
function approvalMode(mode: PermissionMode, hooked: boolean): string {
  if (mode === 'plan') return 'plan';
  return hooked ? 'yolo' : 'default';
}

/**
 * Gemini CLI: `-m` for the model, `--prompt-interactive` runs the prompt and stays interactive. It
 * takes a value, and yargs reads a separate value that starts with `-` as another option; in the
 * `--name=value` form the whole rest is the value, whatever it starts with.
 *
 * Every run gets its own `--session-id` (Pitwall's), so its chat file is found and joined, and a
 * restart resumes exactly it with `--resume <id>`. The worktree is trusted for the run
 * (`GEMINI_CLI_TRUST_WORKSPACE`), so no trust dialog stalls a task started from the board.
 */
export const geminiAdapter: AgentAdapter = {
  kind: 'gemini',
  installHint: 'npm install -g @google/gemini-cli',
  hookAgent: 'gemini',
  hookTransport: () => 'command',
  plan(context: LaunchContext): LaunchPlan {
    const { profile, prompt } = context;
    const agentSessionId = context.resumeAgentSessionId ?? context.sessionId;
    const args = [...profile.args];
    args.push(...(context.resumeAgentSessionId ? ['--resume', agentSessionId] : ['--session-id', agentSessionId]));
    args.push('--approval-mode', approvalMode(profile.permissionMode, context.hooks !== null));
    if (profile.model) args.push('-m', profile.model);
    if (prompt) args.push(`--prompt-interactive=${prompt}`);
    const env: Record<string, string> = { GEMINI_CLI_TRUST_WORKSPACE: 'true' };
    const files: Record<string, string> = {};
    if (context.hooks) {
      const settings = path.join(context.configDir, 'gemini-system-settings.json');
      files[settings] = JSON.stringify(geminiHookSettings(context.hooks), null, 2);
      env.GEMINI_CLI_SYSTEM_SETTINGS_PATH = settings;
    }
    return { args, env, agentSessionId, transcriptPath: null, typedPrompt: null, files };
  },
};
