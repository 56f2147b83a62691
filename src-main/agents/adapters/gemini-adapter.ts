import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PermissionMode } from '../../../src-common/domain/agent';
import type { AgentAdapter, HookLaunch, LaunchContext, LaunchPlan } from './agent-adapter';

/** How long a BeforeTool may wait for a person (Gemini's hook timeout, in milliseconds). */
const DECISION_TIMEOUT_MS = 86_400_000;

/** Pitwall's hooks, in Gemini's settings shape. */
export function geminiHookSettings(hooks: HookLaunch): { hooks: Record<string, unknown[]> } {
  const handler = (timeout: number) => ({ type: 'command', command: `${hooks.command} gemini`, timeout });
  const tool = [{ matcher: '.*', hooks: [handler(DECISION_TIMEOUT_MS)] }];
  const plain = [{ hooks: [handler(30_000)] }];
  return { hooks: { BeforeTool: tool, AfterTool: tool, BeforeAgent: plain, AfterAgent: plain, Notification: plain } };
}

/** The user's own Gemini settings (an empty object when there are none or they cannot be read). */
function readSettings(file: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The user's settings with Pitwall's hooks added after the user's own, event by event. */
export function withPitwallHooks(settings: Record<string, unknown>, hooks: HookLaunch): Record<string, unknown> {
  const own = typeof settings.hooks === 'object' && settings.hooks !== null && !Array.isArray(settings.hooks) ? (settings.hooks as Record<string, unknown>) : {};
  const merged: Record<string, unknown> = { ...own };
  for (const [event, entries] of Object.entries(geminiHookSettings(hooks).hooks)) {
    merged[event] = [...(Array.isArray(own[event]) ? (own[event] as unknown[]) : []), ...entries];
  }
  return { ...settings, hooks: merged };
}

/**
 * The Gemini home of one run (`GEMINI_CLI_HOME`), inside the session's private folder: its
 * settings are the user's own plus Pitwall's hooks, and everything else in it (sign-in, chats under
 * `tmp/`, extensions, trusted folders) links to the user's real ~/.gemini, so chats land where
 * Pitwall and the user find them and a resume finds them again. Gemini reads hooks from the user
 * settings file only (a system settings file must be owned by root), and the user's own file is
 * never rewritten.
 */
function geminiHome(context: LaunchContext, hooks: HookLaunch): Pick<LaunchPlan, 'files' | 'links'> & { home: string } {
  const realDir = path.join(context.env.GEMINI_CLI_HOME ?? context.env.HOME ?? os.homedir(), '.gemini');
  const home = path.join(context.configDir, 'gemini-home');
  const dir = path.join(home, '.gemini');
  const files = { [path.join(dir, 'settings.json')]: JSON.stringify(withPitwallHooks(readSettings(path.join(realDir, 'settings.json')), hooks), null, 2) };
  const links: NonNullable<LaunchPlan['links']> = { [path.join(dir, 'tmp')]: { target: path.join(realDir, 'tmp'), folder: true } };
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(realDir);
  } catch {
    // No ~/.gemini yet: only the chats folder is shared.
  }
  for (const entry of entries) {
    if (entry === 'settings.json' || entry === 'tmp') continue;
    links[path.join(dir, entry)] = { target: path.join(realDir, entry) };
  }
  return { home, files, links };
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

/** Variables that make Gemini CLI headless when "true". */
const HEADLESS_SWITCHES = ['CI', 'GITHUB_ACTIONS'] as const;

/**
 * Gemini CLI: `-m` for the model, `--prompt-interactive` runs the prompt and stays interactive. It
 * takes a value, and yargs reads a separate value that starts with `-` as another option; in the
 * `--name=value` form the whole rest is the value, whatever it starts with.
 *
 * Every run gets its own `--session-id` (Pitwall's), so its chat file is found and joined, and a
 * restart resumes exactly it with `--resume <id>`. The worktree is trusted for the run
 * (`GEMINI_CLI_TRUST_WORKSPACE`), so no trust dialog stalls a task started from the board. With
 * approvals on, it runs with its own Gemini home of the run that adds Pitwall's hooks.
 *
 * Gemini turns headless when `CI` or `GITHUB_ACTIONS` is "true" (a resume without a prompt then
 * exits with "No input provided via stdin"); Pitwall runs it in a terminal the user types into, so
 * neither reaches it from Pitwall's own environment.
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
    const unsetEnv = HEADLESS_SWITCHES;
    if (!context.hooks) return { args, env, agentSessionId, transcriptPath: null, typedPrompt: null, unsetEnv };
    const { home, files, links } = geminiHome(context, context.hooks);
    env.GEMINI_CLI_HOME = home;
    return { args, env, agentSessionId, transcriptPath: null, typedPrompt: null, files, links, unsetEnv };
  },
};
